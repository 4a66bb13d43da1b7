import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { queryTemplateParameters, queryTemplates, reportExecutions } from "../../db/schema";
import { freshDatabase } from "../../test/db";
import { makeInstance, makeReport, makeUser } from "../../test/factories";
import { createExecution } from "../executions/create";
import type { SessionUser } from "../../db/queries/access";
import { parseInput } from "../errors";
import { checkPlaceholders, checkTemplateInput, saveTemplate, templateInputSchema, type TemplateInput } from "./editor";
import { loadTemplateById } from "./load";

const { db } = await freshDatabase();
const now = new Date("2026-11-25T15:00:00Z");
// As the save action does: parse at the boundary, then the domain takes typed input.
const save = async (user: SessionUser, raw: unknown, at: Date) => saveTemplate(db, user, parseInput(templateInputSchema, raw), at);
let n = 0;

function input(overrides: Partial<TemplateInput> = {}): TemplateInput {
  return {
    templateId: `custom_${n++}`,
    name: "Custom reach",
    category: "Reach",
    dataLagDays: 2,
    sqlTemplate: "SELECT campaign, COUNT(DISTINCT user_id) AS reach FROM dsp_impressions WHERE campaign_id_string IN ({{campaigns}}) AND impressions >= {{min_imps}} GROUP BY 1",
    parameters: [
      { name: "campaigns", label: "Campaigns", type: "campaign_list", required: true, defaultValue: "c1, c2" },
      { name: "min_imps", label: "Min impressions", type: "number", required: true, defaultValue: "1", rules: { min: 1, integer: true } },
    ],
    ...overrides,
  };
}

describe("placeholder check", () => {
  it("uses the renderer's scanner: casts, times, literals and comments are not placeholders", () => {
    const sql = "SELECT x::DATE, '12:30:00', '{{in_literal}}', {{a}} -- {{in_comment}}\n FROM t WHERE b = {{window_start}}";
    expect(checkPlaceholders(sql, ["a", "unused"])).toEqual({ undefinedPlaceholders: [], unusedDefinitions: ["unused"], glued: [] });
    expect(checkPlaceholders(sql, [])).toEqual({ undefinedPlaceholders: ["a"], unusedDefinitions: [], glued: [] });
  });
});

describe("placeholders glued to a character their value could merge with (issue 15 item 1)", () => {
  const sqlWith = (where: string) => `SELECT campaign, COUNT(DISTINCT user_id) AS reach FROM dsp_impressions WHERE campaign_id_string IN ({{campaigns}}) AND ${where} GROUP BY 1`;
  const check = (where: string) => {
    try {
      checkTemplateInput(parseInput(templateInputSchema, input({ sqlTemplate: sqlWith(where) })));
      return [];
    } catch (e) {
      return (e as { fieldErrors?: Record<string, string[]> }).fieldErrors?.sqlTemplate ?? [];
    }
  };

  it("are refused as a field error on sqlTemplate: - / * quotes . letters digits _ $ & and another placeholder", () => {
    const glued = [
      "impressions = 1 -{{min_imps}}",
      "impressions = {{min_imps}}- 1",
      "impressions = 10 /{{min_imps}}",
      "impressions = {{min_imps}}/ 2",
      "impressions = 2 *{{min_imps}}",
      "impressions = {{min_imps}}* 2",
      "impressions = 'a'{{min_imps}}",
      "impressions = {{min_imps}}'a'",
      "impressions = \"x\"{{min_imps}}",
      "impressions = 1.{{min_imps}}",
      "impressions = {{min_imps}}.5",
      "impressions = x{{min_imps}}",
      "impressions = {{min_imps}}0",
      "impressions = {{min_imps}}_x",
      "impressions = {{min_imps}}$",
      "impressions = U&{{min_imps}}",
      "impressions = é{{min_imps}}",
      "impressions = {{min_imps}}-- a comment right after",
      "impressions = {{min_imps}}{{min_imps}}",
    ];
    for (const where of glued) {
      const errors = check(where);
      expect(errors, where).toHaveLength(1);
      expect(errors[0], where).toMatch(/^\{\{min_imps\}\} touches .*Put a space between them\.$/);
    }
    expect(check("impressions = 1 -{{min_imps}}")).toEqual([
      '{{min_imps}} touches "-" (-{{min_imps}}): a value there could merge with it into another token (1 -{{p}} with -5 reads 1 --5, a comment). Put a space between them.',
    ]);
    expect(check("impressions = -{{min_imps}}-")).toHaveLength(2);
  });

  it("spaces, brackets, commas, comparisons, casts and placeholders inside literals or comments are fine", () => {
    for (const where of [
      "impressions = 1 - {{min_imps}}",
      "impressions >= {{min_imps}}",
      "impressions>={{min_imps}}",
      "impressions IN ({{min_imps}}, 2)",
      "impressions = ({{min_imps}})",
      "CAST({{min_imps}} AS BIGINT)::BIGINT > 0",
      "impressions = {{min_imps}}::BIGINT",
      "impressions = {{min_imps}}\n",
      "'-{{min_imps}}' <> 'x' -- -{{min_imps}}\n AND impressions >= {{min_imps}}",
    ]) {
      expect(check(where), where).toEqual([]);
    }
  });

  it("the editor's live check lists them", () => {
    expect(checkPlaceholders("SELECT 1 -{{p}}, {{p}}/2", ["p"]).glued).toEqual([
      { name: "p", touching: "-", side: "before" },
      { name: "p", touching: "/", side: "after" },
    ]);
  });
});

describe("data lag days parse strictly (issue 15 item 2)", () => {
  it("a blank field, true or hex is no number of days", () => {
    for (const bad of ["", "  ", true, "0x10", [5], "1.5", 91]) {
      const r = templateInputSchema.safeParse(input({ dataLagDays: bad }));
      expect(r.success, JSON.stringify(bad)).toBe(false);
      if (!r.success) expect(r.error.issues.map((i) => i.path.join(".")), JSON.stringify(bad)).toEqual(["dataLagDays"]);
    }
    for (const [given, parsed] of [["14", 14], [" 3 ", 3], [0, 0]] as const) {
      expect(templateInputSchema.parse(input({ dataLagDays: given })).dataLagDays).toBe(parsed);
    }
  });
});

describe("saveTemplate", () => {
  it("admins create a template with typed parameters; defaults are stored validated", async () => {
    const admin = await makeUser(db, { role: "admin" });
    const saved = await save(admin, input({ templateId: "custom_reach" }), now);
    expect(saved).toEqual({ templateId: "custom_reach", version: 1, created: true });
    const loaded = await loadTemplateById(db, "custom_reach");
    expect(loaded?.template).toMatchObject({ isSystem: false, createdBy: admin.id, dataLagDays: 2, version: 1 });
    expect(loaded?.defs.map((d) => [d.name, d.type, d.defaultValue])).toEqual([
      ["campaigns", "campaign_list", ["c1", "c2"]],
      ["min_imps", "number", 1],
    ]);
  });

  it("refuses a placeholder without a definition and a definition the SQL does not use, naming the fields", async () => {
    const admin = await makeUser(db, { role: "admin" });
    const bad = input({
      sqlTemplate: "SELECT campaign, COUNT(DISTINCT user_id) AS reach FROM dsp_impressions WHERE campaign_id_string IN ({{campaigns}}) AND x = {{ghost}} GROUP BY 1",
    });
    await expect(save(admin, bad, now)).rejects.toMatchObject({
      code: "VALIDATION_ERROR",
      fieldErrors: {
        sqlTemplate: ["{{ghost}} has no parameter definition: add one, or remove the placeholder."],
        "parameters.1.name": ["{{min_imps}} is not used in the SQL: use it, or remove the definition."],
      },
    });
    expect(await db.select().from(queryTemplates).where(eq(queryTemplates.templateId, bad.templateId))).toHaveLength(0);
  });

  it("refuses engine names, duplicate names, date_range parameters, enums without options and bad defaults", async () => {
    const admin = await makeUser(db, { role: "admin" });
    const attempt = save(admin,
      input({
        sqlTemplate: "SELECT {{campaigns}}, {{window_start}}, {{e}}, {{d}}, COUNT(DISTINCT user_id) AS u FROM t",
        parameters: [
          { name: "campaigns", label: "C", type: "campaign_list", defaultValue: ["bad id"] },
          { name: "campaigns", label: "C2", type: "campaign_list" },
          { name: "window_start", label: "W", type: "string" },
          { name: "e", label: "E", type: "enum_select", rules: {} },
          { name: "d", label: "D", type: "date_range" },
        ],
      }),
      now,
    );
    await expect(attempt).rejects.toMatchObject({
      code: "VALIDATION_ERROR",
      fieldErrors: {
        "parameters.0.defaultValue": [expect.any(String)],
        "parameters.1.name": ['"campaigns" is defined twice.'],
        "parameters.2.name": [expect.stringContaining("supplied by the engine")],
        "parameters.3.rules.options": ["An enum needs at least one option."],
        "parameters.4.type": [expect.stringContaining("window")],
      },
    });
  });

  it("members may not save templates", async () => {
    const member = await makeUser(db);
    await expect(save(member, input(), now)).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("an edit bumps the version, runs nothing, and leaves executions already made as they were", async () => {
    const admin = await makeUser(db, { role: "admin" });
    const first = input({ templateId: "custom_edit" });
    await save(admin, first, now);
    const loaded = await loadTemplateById(db, "custom_edit");
    const instance = await makeInstance(db);
    const report = await makeReport(db, { templateId: loaded!.template.id, instanceId: instance.id, parameters: { campaigns: ["c9"], min_imps: 3 } });
    const { execution } = await createExecution(db, { reportUuid: report.id, triggeredBy: "manual", now });
    expect(execution.templateVersion).toBe(1);

    const edited = await save(admin,
      { ...first, sqlTemplate: first.sqlTemplate.replace("COUNT(DISTINCT user_id) AS reach", "COUNT(DISTINCT user_id) AS users"), expectedVersion: 1 },
      now,
    );
    expect(edited).toEqual({ templateId: "custom_edit", version: 2, created: false });
    expect(await db.select().from(reportExecutions).where(eq(reportExecutions.reportId, report.id))).toHaveLength(1);

    const [old] = await db.select().from(reportExecutions).where(eq(reportExecutions.id, execution.id));
    expect(old).toMatchObject({ renderedSql: execution.renderedSql, templateVersion: 1, parametersSnapshot: execution.parametersSnapshot });
    expect(old!.renderedSql).toContain("AS reach");

    const { execution: next } = await createExecution(db, { reportUuid: report.id, triggeredBy: "manual", now });
    expect(next).toMatchObject({ templateVersion: 2 });
    expect(next.renderedSql).toContain("AS users");

    // A stale editor (started from version 1) cannot overwrite version 2.
    await expect(save(admin, { ...first, expectedVersion: 1 }, now)).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("removing a parameter deletes its definition; editing a library template detaches it from the library", async () => {
    const admin = await makeUser(db, { role: "admin" });
    const t = input({ templateId: "custom_lib" });
    await save(admin, t, now);
    await db.update(queryTemplates).set({ isSystem: true }).where(eq(queryTemplates.templateId, "custom_lib"));
    await save(admin,
      { ...t, sqlTemplate: "SELECT campaign, COUNT(DISTINCT user_id) AS reach FROM dsp_impressions WHERE campaign_id_string IN ({{campaigns}}) GROUP BY 1", parameters: [t.parameters[0]!] },
      now,
    );
    const loaded = await loadTemplateById(db, "custom_lib");
    expect(loaded?.template.isSystem).toBe(false);
    expect(await db.select().from(queryTemplateParameters).where(eq(queryTemplateParameters.templateId, loaded!.template.id))).toHaveLength(1);
  });
});
