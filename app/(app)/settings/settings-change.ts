import "server-only";
import { revalidatePath } from "next/cache";
import type { z } from "zod";
import type { Database } from "@/db/client";
import type { SessionUser } from "@/db/queries/access";
import { action, fromForm } from "@/lib/actions/action";

/**
 * An admin's change from a settings form: the form's fields through `schema`, then `change`,
 * then /settings rendered again so the users table shows it.
 */
export function settingsChange<S extends z.ZodType<unknown, Record<string, string | string[]>>, T>(
  schema: S,
  change: (db: Database, user: SessionUser, input: z.output<S>) => Promise<T>,
) {
  return action(fromForm(schema), async (input, { db, user }) => {
    const result = await change(db, user, input);
    revalidatePath("/settings");
    return result;
  });
}
