import { and, eq, isNull, like, sql } from "drizzle-orm";
import type postgres from "postgres";
import type { Database } from "../../db/client";
import { executionResults, queryTemplates, reportExecutions } from "../../db/schema";
import type { ResultFile } from "../amc/gateway";
import { onExecutionCompleted } from "../dashboards/create";
import { storeResult } from "../results/store";
import { windowDays } from "../params/zoned";
import { mulberry32 } from "../random";

/**
 * Stored results for the demo's completed runs, so that each one opens a result page and a
 * dashboard like a run the engine finished. The rows are a small synthetic CSV in the shape of
 * the template's output (what the sandbox would answer), stored through the engine's own ingest
 * (storeResult, which writes the run's execution_results row too) in one transaction, as the poller does.
 * Then the report's dashboard, as the engine's follow-up would make it. Idempotent: only
 * completed demo runs without a stored result are filled, so it also repairs databases seeded
 * before demo runs had results.
 */

/** A demo run's result as CSV text: the template's columns, one row per day and campaign. */
export function demoResultCsv(templateId: string, executionId: string, window: { start: Date; end: Date; zone: string | null }, campaigns: readonly { id: string; name: string }[]): string {
  const random = prng(executionId);
  const days = daysOf(window);
  const lines: (string | number)[][] = [];
  if (templateId === "new_to_brand") {
    lines.push(["group_value", "purchases", "ntb_purchases", "ntb_purchase_pct", "sales", "ntb_sales", "ntb_sales_pct", "purchasers", "ntb_purchasers", "ntb_user_pct"]);
    for (const c of campaigns) {
      const purchases = 400 + Math.floor(random() * 1600);
      const ntb = Math.floor(purchases * (0.25 + random() * 0.35));
      const sales = round(purchases * (18 + random() * 20), 2);
      const ntbSales = round(sales * (ntb / purchases) * (0.9 + random() * 0.2), 2);
      const purchasers = Math.floor(purchases * (0.7 + random() * 0.2));
      const ntbPurchasers = Math.min(purchasers, Math.floor(ntb * 0.95));
      lines.push([c.name, purchases, ntb, round(ntb / purchases, 6), sales, ntbSales, round(ntbSales / sales, 6), purchasers, ntbPurchasers, round(ntbPurchasers / purchasers, 6)]);
    }
  } else {
    // campaign_performance_roas's output (and the fallback for any other template in the demo).
    lines.push(["day", "channel", "campaign_id_string", "campaign", "impressions", "clicks", "spend", "purchases", "sales", "ctr", "roas", "users_min"]);
    for (const day of days) {
      for (const c of campaigns) {
        const impressions = 20_000 + Math.floor(random() * 40_000);
        const clicks = Math.floor(impressions * (0.002 + random() * 0.004));
        const spend = round(150 + random() * 450, 2);
        const purchases = Math.floor(clicks * (0.05 + random() * 0.1));
        const sales = round(spend * (1.5 + random() * 3.5), 2);
        lines.push([day, "DSP", c.id, c.name, impressions, clicks, spend, purchases, sales, round(clicks / impressions, 6), round(sales / spend, 6), 150 + Math.floor(random() * 750)]);
      }
    }
  }
  return lines.map((cells) => cells.map(csvCell).join(",")).join("\n") + "\n";
}

/** One file whose bytes are `text`, in two chunks (as a download arrives). */
export function textFile(text: string): ResultFile {
  const bytes = new TextEncoder().encode(text);
  const cut = Math.floor(bytes.length / 2);
  return {
    async open() {
      return (async function* () {
        yield bytes.subarray(0, cut);
        yield bytes.subarray(cut);
      })();
    },
  };
}

/**
 * Fills every completed demo run (execution id `exec_demo…`) that has no stored result, then makes
 * its report's dashboard and marks the run followed up. `client` is a raw postgres.js client on
 * the same database (COPY needs one); returns how many results were stored.
 */
export async function seedDemoResults(db: Database, client: postgres.Sql, campaigns: readonly { id: string; name: string }[]): Promise<number> {
  const owed = await db
    .select({
      id: reportExecutions.id,
      executionId: reportExecutions.executionId,
      reportId: reportExecutions.reportId,
      templateId: queryTemplates.templateId,
      start: reportExecutions.timeWindowStart,
      end: reportExecutions.timeWindowEnd,
      zone: reportExecutions.timeWindowTimezone,
    })
    .from(reportExecutions)
    .leftJoin(executionResults, eq(executionResults.executionId, reportExecutions.id))
    .leftJoin(queryTemplates, eq(queryTemplates.id, reportExecutions.templateId))
    .where(and(like(reportExecutions.executionId, "exec\\_demo%"), eq(reportExecutions.status, "completed"), isNull(executionResults.executionId)));
  for (const run of owed) {
    if (!run.start || !run.end || !run.reportId) continue;
    const csv = demoResultCsv(run.templateId ?? "", run.executionId, { start: run.start, end: run.end, zone: run.zone }, campaigns);
    await client.begin(async (tx) => {
      const result = await storeResult(tx, { executionUuid: run.id, reportUuid: run.reportId, windowStart: run.start, windowEnd: run.end }, [
        textFile(csv),
      ]);
      await tx`
        UPDATE report_executions
           SET row_count = ${result.rowCount}, size_bytes = ${result.sizeBytes},
               output_location = ${`db:execution_result_rows/${result.resultKey}`}
         WHERE id = ${run.id}`;
    });
  }
  // The engine's follow-up of a completed run (onExecutionCompleted, as followUpCompleted calls
  // it): the report's dashboard, once, and its widgets' rollups of this result.
  const unfollowed = await db
    .select({ id: reportExecutions.id })
    .from(reportExecutions)
    .where(and(like(reportExecutions.executionId, "exec\\_demo%"), eq(reportExecutions.status, "completed"), isNull(reportExecutions.followedUpAt)))
    // Oldest first, as the engine follows runs up in completion order.
    .orderBy(reportExecutions.completedAt);
  for (const run of unfollowed) {
    try {
      await onExecutionCompleted(db, run.id);
    } catch (e) {
      // As in the engine: a failed follow-up stays owed (followed_up_at NULL) and the tick's
      // follow-up phase retries it; the demo data is still usable meanwhile.
      console.warn(JSON.stringify({ level: "warn", msg: "demo follow-up failed, left to the engine", error: e instanceof Error ? e.message : String(e) }));
      continue;
    }
    await db
      .update(reportExecutions)
      .set({ followedUpAt: sql`COALESCE(${reportExecutions.completedAt}, now())` })
      .where(eq(reportExecutions.id, run.id));
  }
  return owed.length;
}

/** The window's days as the user counts them (last day included), in its zone. */
function daysOf(window: { start: Date; end: Date; zone: string | null }): string[] {
  const { first, last } = windowDays(window.start, window.end, window.zone);
  const out: string[] = [];
  for (let d = new Date(`${first}T00:00:00Z`); d.toISOString().slice(0, 10) <= last && out.length < 400; d = new Date(d.getTime() + 86_400_000)) {
    out.push(d.toISOString().slice(0, 10));
  }
  return out;
}

const round = (n: number, digits: number) => Number(n.toFixed(digits));

function csvCell(v: string | number): string {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The run's id hashed (FNV-1a) into a mulberry32 seed: re-seeding writes the same rows. */
function prng(seed: string): () => number {
  let h = 2166136261;
  for (const ch of seed) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return mulberry32(h);
}
