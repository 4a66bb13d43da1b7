import type { Metadata } from "next";
import { BackLink } from "@/app/_components/page-header";
import { PARAMETER_TYPES } from "@/db/schema";
import { requireUser } from "@/lib/auth/session";
import { NEW_TEMPLATE } from "../editor-data";
import { TemplateEditor } from "../template-editor";

export const metadata: Metadata = { title: "New template" };

export default async function NewTemplatePage() {
  const user = await requireUser();
  if (user.role !== "admin") {
    return <p className="rounded-md border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900">Only admins create templates.</p>;
  }
  return (
    <div className="space-y-4">
      <BackLink href="/templates">Templates</BackLink>
      <h1 className="text-xl font-semibold">New template</h1>
      <TemplateEditor initial={NEW_TEMPLATE} types={PARAMETER_TYPES.filter((t) => t !== "date_range")} mode="create" />
    </div>
  );
}
