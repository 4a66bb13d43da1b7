import "server-only";
import { revalidatePath } from "next/cache";
import type { z } from "zod";
import type { Database } from "@/db/client";
import type { SessionUser } from "@/db/queries/access";
import { action, fromForm } from "@/lib/actions/action";

/** What a settings control shows after its change: nothing once it worked (the page re-renders), else why not. */
export interface ControlState {
  error?: string;
}

/**
 * An admin's change from a settings control, as a useActionState action: the form's fields
 * through `schema`, then `change`, then /settings rendered again so the users table shows it.
 */
export function settingsChange<S extends z.ZodType<unknown, Record<string, string | string[]>>, T>(
  schema: S,
  change: (db: Database, user: SessionUser, input: z.output<S>) => Promise<T>,
) {
  const run = action(fromForm(schema), async (input, { db, user }) => {
    const result = await change(db, user, input);
    revalidatePath("/settings");
    return result;
  });
  return async (_prev: ControlState, form: FormData): Promise<ControlState> => {
    const result = await run(form);
    return result.ok ? {} : { error: result.error.message };
  };
}
