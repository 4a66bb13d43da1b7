import type { Metadata } from "next";
import { BackLink } from "@/app/_components/page-header";
import { notFound } from "next/navigation";
import { getDb } from "@/db/client";
import { getTemplateDetail } from "@/lib/templates/queries";
import { PARAMETER_TYPES } from "@/db/schema";
import { requireUser } from "@/lib/auth/session";
import { editorInitialOf } from "../../editor-data";
import { TemplateEditor } from "../../template-editor";

export const metadata: Metadata = { title: "Edit template" };

export default async function EditTemplatePage({ params }: { params: Promise<{ templateId: string }> }) {
  const user = await requireUser();
  const { templateId } = await params;
  const t = await getTemplateDetail(getDb(), user, templateId);
  if (!t) notFound();
  if (user.role !== "admin") {
    return <p className="rounded-md border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900">Only admins edit templates.</p>;
  }
  return (
    <div className="space-y-4">
      <BackLink href={`/templates/${t.templateId}`}>{t.name}</BackLink>
      <h1 className="text-xl font-semibold">Edit template (version {t.version})</h1>
      <TemplateEditor initial={editorInitialOf(t)} types={PARAMETER_TYPES.filter((x) => x !== "date_range")} mode="edit" />
    </div>
  );
}
