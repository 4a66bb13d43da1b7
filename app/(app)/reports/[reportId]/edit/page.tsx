import type { Metadata } from "next";
import { BackLink } from "@/app/_components/page-header";
import { notFound } from "next/navigation";
import { getDb } from "@/db/client";
import { getReportDetail } from "@/db/queries/report-detail";
import { reportForUserOrThrow } from "@/lib/auth/guards";
import { getBuilderTemplate } from "@/lib/templates/queries";
import { orNotFound, requireUser } from "@/lib/auth/session";
import { windowSpecSchema } from "@/lib/params/window";
import { EditReportForm } from "./edit-form";

export const metadata: Metadata = { title: "Edit report" };

function timeZones(): string[] {
  const all = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return ["UTC", ...all.filter((z) => z !== "UTC")];
}

export default async function EditReportPage({ params }: { params: Promise<{ reportId: string }> }) {
  const user = await requireUser();
  const { reportId } = await params;
  const db = getDb();
  const guarded = await orNotFound(reportForUserOrThrow(db, user, reportId));
  const data = await getReportDetail(db, guarded.id);
  if (!data || !data.templateId || !data.amcInstanceId) notFound();
  const template = await getBuilderTemplate(db, data.templateId);
  if (!template) notFound();
  const { report } = data;
  const spec = windowSpecSchema.safeParse(report.windowSpec);
  return (
    <div className="space-y-4">
      <BackLink href={`/reports/${report.reportId}`}>{report.name}</BackLink>
      <h1 className="text-xl font-semibold">Edit report</h1>
      <p className="text-sm text-slate-600">
        {template.name} (version {template.version}) on {data.instanceName} <code className="font-mono text-xs">{data.amcInstanceId}</code>. Runs already made keep
        the SQL and values they ran with; the next run uses what you save here.
      </p>
      <EditReportForm
        report={{
          reportId: report.reportId,
          name: report.name,
          description: report.description ?? "",
          instanceId: data.amcInstanceId,
          values: (report.parameters ?? {}) as Record<string, unknown>,
          window: spec.success ? spec.data : template.defaultWindow,
          timezone: report.timezone,
        }}
        template={template}
        zones={timeZones()}
        scheduleZone={data.schedule?.timezone ?? null}
      />
    </div>
  );
}
