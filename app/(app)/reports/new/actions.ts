"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getBuilderTemplate } from "@/lib/templates/queries";
import { action } from "@/lib/actions/action";
import { notFound } from "@/lib/errors";
import { createReport, createReportSchema, previewNewSchedule, schedulePreviewSchema } from "@/lib/reports/definitions";
import { newBackfillPreviewSchema, previewNewBackfill } from "@/lib/reports/new-backfill";
import { validateParameters, validateParametersSchema } from "@/lib/reports/validate";

// The builder's server actions: thin wrappers around lib/reports (the same functions the JSON
// endpoint and the tests call), each with the one action wrapper (session, zod, error shape).

export const loadTemplateAction = action(z.strictObject({ templateId: z.string().min(1).max(100) }), async ({ templateId }, { db }) => {
  const template = await getBuilderTemplate(db, templateId);
  if (!template) throw notFound("Template");
  return template;
});

/** The live preview: exactly POST /api/report-builder/validate-parameters. */
export const previewAction = action(validateParametersSchema, async (input, { db, user }) => validateParameters(db, user, input, new Date()));

export const schedulePreviewAction = action(schedulePreviewSchema, async (input, { db }) => previewNewSchedule(db, input, new Date()));

/** The Backfill way's segments and rough duration, for a report not saved yet. */
export const backfillPlanAction = action(newBackfillPreviewSchema, async (input, { db, user }) => previewNewBackfill(db, user, input, new Date()));

export const createReportAction = action(createReportSchema, async (input, { db, user }) => {
  const created = await createReport(db, user, input, new Date());
  revalidatePath("/reports");
  return created;
});
