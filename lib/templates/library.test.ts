import { beforeAll, describe, expect, it } from "vitest";
import { LIBRARY } from "./library";
import { BRAND_A_ASINS } from "./library/sandbox-defaults";
import { seedLibraryTemplates } from "./seed";
import { freshDatabase } from "../../test/db";
import { SANDBOX_ASINS, SANDBOX_CAMPAIGNS } from "../amc/sandbox/entities";
import { ensureSandboxData } from "../amc/sandbox/generate";
import { analyzeAmcSql } from "../amc/sandbox/rules";
import { runSandboxQuery } from "../amc/sandbox/run";
import { translateAmcSql } from "../amc/sandbox/translate";
import type { AmcTimeWindow } from "../amc/gateway";
import { renderSql } from "../params/render";
import { resolveWindow, toAmcWindow } from "../params/window";
import { placeholderNames } from "../params/scan";
import { checkPlaceholders } from "./editor";
import { reportConfigSchema, uiSchemaSchema } from "./config";
import { loadTemplateById } from "./load";

/**
 * The template library (lib/templates/library) against the sandbox: every template, as seeded, renders
 * with its default values through THE renderer, passes AMC's static rules, runs on the sandbox's
 * synthetic data and returns rows; its dashboard widgets name columns the result has.
 */

const { db } = await freshDatabase();
// Test-size sandbox: traffic 2025-02-16 .. 2025-03-31 (anchor 2025-04-01), conversions until 04-15.
const SANDBOX_NOW = new Date("2025-04-30T00:00:00Z");
// "Last 30 complete days" as of 2025-04-14 with the 14-day lag: 2025-03-01 .. 2025-03-30, New York days.
const window = resolveWindow({ kind: "last_days", n: 30 }, new Date("2025-04-14T15:00:00Z"), "America/New_York", 14);

beforeAll(async () => {
  await ensureSandboxData(db, { size: "test" });
  await seedLibraryTemplates(db);
});

async function runOnSandbox(sql: string, w: AmcTimeWindow) {
  const analysis = analyzeAmcSql(sql);
  expect(analysis.violations).toEqual([]);
  const t = translateAmcSql(sql, { now: SANDBOX_NOW, window: w });
  return runSandboxQuery(db, t.sql, {
    window: w,
    extendedWindows: t.extendedWindows,
    threshold: analysis.threshold,
    userCountColumns: analysis.userCountColumns,
    hiddenColumns: analysis.hiddenColumns,
  });
}

describe("the library", () => {
  it("has at least 10 templates covering the catalog, with unique ids", () => {
    expect(LIBRARY.length).toBeGreaterThanOrEqual(10);
    expect(new Set(LIBRARY.map((t) => t.templateId)).size).toBe(LIBRARY.length);
    expect(window).toMatchObject({ firstDay: "2025-03-01", lastDay: "2025-03-30", days: 30, provisional: false });
  });

  it("default campaign ids and ASINs are real ids of the sandbox data", () => {
    const campaigns = new Set(SANDBOX_CAMPAIGNS.map((c) => c.campaignIdString));
    const asins = new Set(SANDBOX_ASINS.map((a) => a.asin));
    for (const t of LIBRARY) {
      for (const p of t.params) {
        if (p.type === "campaign_list") for (const id of p.default as string[]) expect(campaigns.has(id), `${t.templateId}.${p.name} ${id}`).toBe(true);
        if (p.type === "asin_list") for (const a of p.default as string[]) expect(asins.has(a), `${t.templateId}.${p.name} ${a}`).toBe(true);
      }
    }
    expect(BRAND_A_ASINS).toHaveLength(40);
  });
});

describe.each(LIBRARY.map((t) => [t.templateId, t] as const))("%s", (templateId, lib) => {
  it("every placeholder has a definition and every definition is used; ui_schema and report_config are valid", () => {
    expect(checkPlaceholders(lib.sql, lib.params.map((p) => p.name))).toEqual({ undefinedPlaceholders: [], unusedDefinitions: [], glued: [] });
    expect(placeholderNames(lib.sql).sort()).toEqual(lib.params.map((p) => p.name).sort());
    expect(reportConfigSchema.safeParse(lib.reportConfig).success).toBe(true);
    expect(uiSchemaSchema.safeParse({ question: lib.question, ...lib.ui }).success).toBe(true);
    const grouped = (lib.ui?.groups ?? []).flatMap((g) => g.fields).sort();
    expect(grouped).toEqual(lib.params.map((p) => p.name).sort());
    for (const p of lib.params) expect(p.required ?? true).toBe(true);
  });

  it("runs on the sandbox with its default values and returns rows; widgets name result columns", async () => {
    const loaded = await loadTemplateById(db, templateId);
    expect(loaded?.template.isSystem).toBe(true);
    const rendered = renderSql({ sqlTemplate: loaded!.template.sqlTemplate, defs: loaded!.defs, values: {}, window });
    if (!rendered.ok) throw new Error(JSON.stringify(rendered.fieldErrors) + rendered.formErrors.join("; "));
    const result = await runOnSandbox(rendered.sql, toAmcWindow(window));
    expect(result.rows.length, `${templateId} returned no rows`).toBeGreaterThan(0);

    const columns = new Set(result.columns.map((c) => c.name));
    const config = reportConfigSchema.parse(loaded!.template.reportConfig);
    for (const w of config.widgets) {
      for (const c of [w.x, w.series, ...(w.y ?? []), ...(w.y2 ?? [])]) {
        if (c !== undefined) expect(columns.has(c), `${templateId} widget ${w.type} names ${c}`).toBe(true);
      }
    }
    if (config.privacy) expect(columns.has(config.privacy.userCountColumn)).toBe(true);
  });

  it("every option of every enum renders and passes AMC's rules", () => {
    for (const p of lib.params.filter((x) => x.type === "enum_select")) {
      for (const o of p.rules?.options ?? []) {
        const value = p.rules?.multiple ? [o.value] : o.value;
        const r = renderSql({
          sqlTemplate: lib.sql,
          defs: lib.params.map((d) => ({ name: d.name, label: d.label, type: d.type, required: true, defaultValue: d.default, rules: d.rules ?? {} })),
          values: { [p.name]: value },
          window,
        });
        expect(r.ok, `${p.name}=${o.value}`).toBe(true);
        if (r.ok) expect(analyzeAmcSql(r.sql).violations, `${p.name}=${o.value}`).toEqual([]);
      }
    }
  });
});
