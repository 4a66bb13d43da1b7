"use server";

import { z } from "zod";
import { action } from "@/lib/actions/action";
import { amcInstanceIdSchema } from "@/lib/instances/guard";
import { mappingsForPrefill, suggestKnownValues, suggestionsSchema } from "@/lib/instances/suggestions";

// What the report builder's campaign and ASIN fields read about an instance: the picker's
// suggestions and the brand mappings the wizard pre-fills from. Both check, on the server, that
// the caller may see the instance (a foreign or unknown one is NOT_FOUND).

export const suggestionsAction = action(suggestionsSchema, async (input, { db, user }) => suggestKnownValues(db, user, input));

export const instanceMappingsAction = action(z.strictObject({ instanceId: amcInstanceIdSchema }), async (input, { db, user }) =>
  mappingsForPrefill(db, user, input),
);
