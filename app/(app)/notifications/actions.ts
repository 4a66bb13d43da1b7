"use server";

import { revalidatePath } from "next/cache";
import { action, fromForm } from "@/lib/actions/action";
import { markRead, markReadSchema, optinSchema, preferencesSchema, savePreferences, setReportOptin } from "@/lib/notifications/inbox";

const markReadAction = action(fromForm(markReadSchema), async (input, { db, user }) => markRead(db, user, input, new Date()));
const savePreferencesAction = action(fromForm(preferencesSchema), async (input, { db, user }) => savePreferences(db, user, input, new Date()));
const optinAction = action(fromForm(optinSchema), async (input, { db, user }) => setReportOptin(db, user, input));

// Plain form actions (they work before hydration). The layout is revalidated too: the bell's
// count is part of it. A failure changes nothing the page would show, so there is no message.
export async function markReadFormAction(form: FormData): Promise<void> {
  await markReadAction(form);
  revalidatePath("/", "layout");
}

export async function savePreferencesFormAction(form: FormData): Promise<void> {
  await savePreferencesAction(form);
  revalidatePath("/notifications/preferences");
}

export async function optinFormAction(form: FormData): Promise<void> {
  await optinAction(form);
  revalidatePath("/notifications/preferences");
}
