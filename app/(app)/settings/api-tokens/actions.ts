"use server";

import { revalidatePath } from "next/cache";
import { action, fromForm } from "@/lib/actions/action";
import { createApiToken, expiryFromForm, revokeApiToken, revokeTokenSchema, tokenFormSchema } from "@/lib/api/tokens";
import type { ErrorBody } from "@/lib/errors";

export const createTokenAction = action(fromForm(tokenFormSchema), async (input, { db, user }) => {
  const now = new Date();
  const { token, view } = await createApiToken(db, user, { name: input.name, scope: input.scope, expiresAt: expiryFromForm(input.expires, now) }, now);
  revalidatePath("/settings/api-tokens");
  return { token, name: view.name };
});

export const revokeTokenAction = action(fromForm(revokeTokenSchema), async (input, { db, user }) => {
  await revokeApiToken(db, user, input.tokenId, new Date());
  revalidatePath("/settings/api-tokens");
  return { tokenId: input.tokenId };
});

export interface TokenFormState {
  /** The new token: shown once, in this answer only; never stored in the clear. */
  created?: { token: string; name: string };
  error?: ErrorBody;
}

export async function createTokenFormAction(_prev: TokenFormState, form: FormData): Promise<TokenFormState> {
  const result = await createTokenAction(form);
  return result.ok ? { created: result.data } : { error: result.error };
}

export interface RevokeFormState {
  error?: string;
}

export async function revokeTokenFormAction(_prev: RevokeFormState, form: FormData): Promise<RevokeFormState> {
  const result = await revokeTokenAction(form);
  return result.ok ? {} : { error: result.error.message };
}
