"use server";

import { revalidatePath } from "next/cache";
import { action } from "@/lib/actions/action";
import { saveTemplate, templateInputSchema } from "@/lib/templates/editor";

/** Admins save a template (create or edit); nothing runs. */
export const saveTemplateAction = action(templateInputSchema, async (input, { db, user }) => {
  const saved = await saveTemplate(db, user, input, new Date());
  revalidatePath("/templates");
  revalidatePath(`/templates/${saved.templateId}`);
  return saved;
});
