import type { Metadata } from "next";
import { BackLink } from "@/app/_components/page-header";
import { getDb } from "@/db/client";
import { getBuilderTemplate, listBuilderInstances, listTemplateCategories, listTemplates, parseTemplateSearch } from "@/lib/templates/queries";
import { requireUser } from "@/lib/auth/session";
import { ReportWizard } from "./wizard";
import { z } from "zod";
import { searchParam } from "@/lib/http/search-params";

export const metadata: Metadata = { title: "New report" };

/** Every IANA zone this server knows, UTC first (the browser's own zone is preselected on the client). */
function timeZones(): string[] {
  const all = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return ["UTC", ...all.filter((z) => z !== "UTC")];
}

export default async function NewReportPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const params = await searchParams;
  const search = parseTemplateSearch(params);
  const templateParam = searchParam(params.template, z.string().max(100));
  const db = getDb();
  const [templates, categories, instances, initialTemplate] = await Promise.all([
    listTemplates(db, user, search),
    listTemplateCategories(db),
    listBuilderInstances(db, user),
    templateParam ? getBuilderTemplate(db, templateParam) : Promise.resolve(null),
  ]);
  return (
    <div className="space-y-4">
      <div>
        <BackLink href="/reports">Reports</BackLink>
        <h1 className="mt-1 text-xl font-semibold text-slate-900">New report</h1>
      </div>
      <ReportWizard templates={templates} categories={categories} search={search} instances={instances} zones={timeZones()} initialTemplate={initialTemplate} />
    </div>
  );
}
