import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import { makeUser } from "../../test/factories";
import { queryTemplateParameters, queryTemplates, reportDefinitions, reportExecutions } from "../../db/schema";
import { seed } from "../demo/seed";
import { SEED_TEMPLATES, seedLibraryTemplates } from "./seed";
import { LIBRARY } from "./library";

const { db } = await freshDatabase();
const count = async (table: "query_templates" | "query_template_parameters" | "report_definitions") =>
  Number((await db.execute<{ n: number }>(sql.raw(`SELECT count(*)::int AS n FROM ${table}`)))[0]!.n);

describe("seeding the template library", () => {
  it("is idempotent: a second seed duplicates nothing and bumps no version", async () => {
    await seed(db, new Date("2026-11-25T12:00:00Z"));
    const templates = await count("query_templates");
    const params = await count("query_template_parameters");
    expect(templates).toBe(LIBRARY.length);
    await seed(db, new Date("2026-11-26T12:00:00Z"));
    expect(await count("query_templates")).toBe(templates);
    expect(await count("query_template_parameters")).toBe(params);
    const versions = await db.select({ v: queryTemplates.version }).from(queryTemplates);
    expect(versions.every((r) => r.v === 1)).toBe(true);
  });

  it("the demo reports run: their stored values render against the library", async () => {
    const { createExecution } = await import("../executions/create");
    const reports = await db.select().from(reportDefinitions);
    expect(reports.length).toBeGreaterThan(0);
    for (const r of reports) {
      const { execution } = await createExecution(db, { reportUuid: r.id, triggeredBy: "manual", now: new Date("2026-11-25T12:00:00Z") });
      expect(execution.renderedSql, r.reportId).toBeTruthy();
      await db.delete(reportExecutions).where(eq(reportExecutions.id, execution.id));
    }
  });

  it("updates library templates in place (version up when SQL or parameters change, dropped parameters deleted)", async () => {
    const [t] = SEED_TEMPLATES;
    const changed = {
      ...t!,
      template: { ...t!.template, sqlTemplate: `${t!.template.sqlTemplate}\n-- v2`, name: "Renamed in library" },
      parameters: t!.parameters,
    };
    await db.insert(queryTemplateParameters).values({
      templateId: (await db.select().from(queryTemplates).where(eq(queryTemplates.templateId, t!.template.templateId)))[0]!.id,
      name: "stale_param",
      paramType: "string",
    });
    await seedLibraryTemplates(db, [changed]);
    const [row] = await db.select().from(queryTemplates).where(eq(queryTemplates.templateId, t!.template.templateId));
    expect(row).toMatchObject({ name: "Renamed in library", version: 2, isSystem: true });
    const names = (await db.select().from(queryTemplateParameters).where(eq(queryTemplateParameters.templateId, row!.id))).map((p) => p.name);
    expect(names).not.toContain("stale_param");
    expect(names.sort()).toEqual(t!.parameters.map((p) => p.name).sort());
    // Name-only changes do not bump the version.
    await seedLibraryTemplates(db, [{ ...changed, template: { ...changed.template, name: "Renamed again" } }]);
    expect((await db.select().from(queryTemplates).where(eq(queryTemplates.id, row!.id)))[0]).toMatchObject({ name: "Renamed again", version: 2 });
    await seedLibraryTemplates(db);
  });

  it("never touches a user-made template with a library id", async () => {
    const admin = await makeUser(db, { role: "admin" });
    const [t] = SEED_TEMPLATES.slice(-1);
    await db.update(queryTemplates).set({ isSystem: false, name: "Mine now", sqlTemplate: "SELECT 1", createdBy: admin.id }).where(eq(queryTemplates.templateId, t!.template.templateId));
    await seedLibraryTemplates(db);
    const [row] = await db.select().from(queryTemplates).where(eq(queryTemplates.templateId, t!.template.templateId));
    expect(row).toMatchObject({ name: "Mine now", sqlTemplate: "SELECT 1", isSystem: false });
  });
});
