"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action, formDataToObject } from "@/lib/actions/action";
import { createUserSchema, grantSchema, revokeSchema } from "@/lib/users/schemas";
import { createUser, grantInstanceAccess, revokeInstanceAccess } from "@/lib/users/users";

// These actions are posted from forms, so they take FormData and run it through the same zod
// schema as every other caller. Duck-typed rather than `instanceof`, so a FormData from another
// realm (the framework's multipart decoder) still counts.
const formData = z.custom<FormData>(
  (v) => typeof v === "object" && v !== null && typeof (v as FormData).entries === "function",
  "Expected form data.",
);
const fromForm = <S extends z.ZodType<unknown, Record<string, string | string[]>>>(schema: S) =>
  formData.transform(formDataToObject).pipe(schema);

export const createUserAction = action(fromForm(createUserSchema), async (input, { db, user }) => {
  const created = await createUser(db, user, input);
  revalidatePath("/settings");
  return { email: created.email };
});

export const grantAccessAction = action(fromForm(grantSchema), async (input, { db, user }) => {
  const result = await grantInstanceAccess(db, user, input);
  revalidatePath("/settings");
  return result;
});

export const revokeAccessAction = action(fromForm(revokeSchema), async (input, { db, user }) => {
  const result = await revokeInstanceAccess(db, user, input);
  revalidatePath("/settings");
  return result;
});
