"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action } from "@/lib/actions/action";
import { reportIdSchema } from "@/lib/ids";
import { deleteReport, duplicateReport, updateReport, updateReportSchema } from "@/lib/reports/definitions";

export const updateReportAction = action(updateReportSchema, async (input, { db, user }) => {
  const result = await updateReport(db, user, input, new Date());
  revalidatePath(`/reports/${result.reportId}`);
  revalidatePath("/reports");
  return result;
});

export const duplicateReportAction = action(z.strictObject({ reportId: reportIdSchema }), async (input, { db, user }) => {
  const result = await duplicateReport(db, user, input.reportId, new Date());
  revalidatePath("/reports");
  return result;
});

export const deleteReportAction = action(z.strictObject({ reportId: reportIdSchema }), async (input, { db, user }) => {
  const result = await deleteReport(db, user, input.reportId);
  revalidatePath("/reports");
  return result;
});
