import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Database } from "../../../db/client";
import { DEMO_INSTANCE } from "../../config/demo";
import {
  AmcError,
  type AmcGateway,
  type AmcTimeWindow,
  type DiscoveredInstance,
  type ExecutionState,
  type ResultFile,
  type SubmitRequest,
  toExecutionStatus,
} from "../gateway";
import { csvChunks, toCsv } from "./csv";
import type { SandboxDataOptions } from "./data/options";
import { ensureSandboxData } from "./generate";
import { analyzeAmcSql, violationMessage } from "./rules";
import { SandboxQueryError, runSandboxQuery } from "./run";
import { ensureSandboxSchema } from "./schema";
import { type ExtendedWindow, translateAmcSql } from "./translate";
import { TranslationError } from "./translate/error";

/**
 * AmcGateway over the sandbox, behaving like AMC: submit validates what AMC rejects with a 400
 * (the static rules, the window), the execution then sits PENDING for a short while, runs, and
 * ends SUCCEEDED with a CSV or FAILED with a reason. State lives in amc_sandbox.executions, so
 * any server can poll: the first poller past the delay that gets the job's row lock
 * (FOR UPDATE SKIP LOCKED) runs it in the background and holds the lock until it has stored the
 * outcome; other pollers see RUNNING meanwhile. "RUNNING" is never stored: the held lock is what
 * says it, so a runner that dies leaves the job PENDING and the next poller runs it again.
 */

export const SANDBOX_INSTANCE: DiscoveredInstance = {
  instanceId: DEMO_INSTANCE.instanceId,
  instanceName: DEMO_INSTANCE.instanceName,
  region: "NA",
  instanceType: "SANDBOX",
  marketplaceId: "ATVPDKIKX0DER",
};

export interface SandboxGatewayOptions {
  /** The sandbox clock: submit times, the PENDING delay, CURRENT_DATE in queries. */
  now: () => Date;
  /** How long an execution stays PENDING (default 2 s of `now()` time). */
  runDelayMs?: number;
  /** Per-query statement timeout (default 60 s). */
  statementTimeoutMs?: number;
  /**
   * Instances listInstances() reports (default: the demo sandbox instance). When given, submit
   * also refuses other instance ids; when absent, any instance id is served, since every
   * SANDBOX instance the app knows is backed by this one sandbox.
   */
  instances?: DiscoveredInstance[];
  /** Data to generate if the sandbox has none yet (existing data of the current version is kept). */
  data?: Omit<SandboxDataOptions, "log">;
  /** Developer switch like Amazon's disableAggregationControls: no threshold filtering. */
  disableAggregationControls?: boolean;
  maxResultRows?: number;
  /**
   * Fault injection for end-to-end tests of "Retry failed segments": the first run of a window
   * starting on this local date (`YYYY-MM-DD`) fails once, as an AMC outage would; later runs
   * of the same window succeed. Set from SANDBOX_FAIL_ONCE_WINDOW_START; never on by default.
   */
  failOnceWindowStart?: string;
  /** Background run failures that could not be recorded on the execution (for logs). */
  onError?: (error: unknown) => void;
}

export interface SandboxGateway extends AmcGateway {
  /** Resolves when this process's background runs have finished (tests, graceful shutdown). */
  whenIdle(): Promise<void>;
}

interface Analysis {
  threshold: number;
  userCountColumns: number[];
  hiddenColumns: number[];
}

interface ExecutionRow extends Record<string, unknown> {
  execution_id: string;
  status: string;
  reason: string | null;
  submitted_ms: number;
}

interface ClaimedRow extends Record<string, unknown> {
  translated_sql: string;
  extended_windows: ExtendedWindow[];
  analysis: Analysis;
  time_window_start: string;
  time_window_end: string;
  time_window_time_zone: string;
}

const TERMINAL = new Set(["SUCCEEDED", "FAILED", "CANCELLED"]);
const INJECTED_FAILURE = "Simulated AMC outage (SANDBOX_FAIL_ONCE_WINDOW_START)";
/** First key of the advisory lock a runner holds, so cancel() can find its backend. */
const RUN_LOCK_CLASS = 0x414d4352; // "AMCR"
const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;

export function createSandboxGateway(db: Database, options: SandboxGatewayOptions): SandboxGateway {
  const runDelayMs = options.runDelayMs ?? 2_000;
  const running = new Map<string, Promise<void>>();

  const state = (amcStatus: string, reason?: string | null): ExecutionState => ({
    status: toExecutionStatus(amcStatus),
    amcStatus,
    ...(reason ? { reason } : {}),
  });

  const checkInstance = (instanceId: string) => {
    if (options.instances && !options.instances.some((i) => i.instanceId === instanceId)) {
      throw new AmcError("not_found", `Instance ${instanceId} not found`, { httpStatus: 404 });
    }
  };

  async function load(instanceId: string, id: string): Promise<ExecutionRow> {
    await ensureSandboxSchema(db);
    const [row] = await db.execute<ExecutionRow>(sql`
      SELECT execution_id, status, reason, (extract(epoch FROM submitted_at) * 1000)::float8 AS submitted_ms
      FROM amc_sandbox.executions WHERE execution_id = ${id} AND instance_id = ${instanceId}`);
    if (!row) throw new AmcError("not_found", `Execution ${id} not found`, { httpStatus: 404 });
    return row;
  }

  function launch(id: string): void {
    if (running.has(id)) return;
    const job = runJob(id)
      .catch((e) => options.onError?.(e))
      .finally(() => running.delete(id));
    running.set(id, job);
  }

  async function runJob(id: string): Promise<void> {
    await ensureSandboxData(db, { ...options.data, reuseExisting: true });
    await db.transaction(async (tx) => {
      const [row] = await tx.execute<ClaimedRow>(sql`
        SELECT translated_sql, extended_windows, analysis, time_window_start, time_window_end, time_window_time_zone
        FROM amc_sandbox.executions
        WHERE execution_id = ${id} AND status = 'PENDING'
        FOR UPDATE SKIP LOCKED`);
      if (!row) return; // another server runs it, or it is already done
      await tx.execute(sql`SELECT pg_advisory_xact_lock(${RUN_LOCK_CLASS}, hashtext(${id}))`);
      const startedAt = options.now();
      const finish = async (status: string, fields: { reason?: string; csv?: string; columns?: unknown; rows?: number; dropped?: number }) => {
        await tx.execute(sql`
          UPDATE amc_sandbox.executions SET status = ${status}, reason = ${fields.reason ?? null},
            started_at = ${startedAt.toISOString()}::timestamptz, finished_at = ${options.now().toISOString()}::timestamptz,
            result_csv = ${fields.csv ?? null}, result_columns = ${fields.columns === undefined ? null : JSON.stringify(fields.columns)}::jsonb,
            row_count = ${fields.rows ?? null}, dropped_rows = ${fields.dropped ?? null}
          WHERE execution_id = ${id}`);
      };
      const cancelRequested = async () =>
        (await tx.execute(sql`SELECT 1 FROM amc_sandbox.execution_cancellations WHERE execution_id = ${id}`)).length > 0;

      if (await cancelRequested()) return finish("CANCELLED", {});
      const window: AmcTimeWindow = {
        start: row.time_window_start,
        end: row.time_window_end,
        timeZone: row.time_window_time_zone,
      };
      if (options.failOnceWindowStart && window.start.slice(0, 10) === options.failOnceWindowStart) {
        const [injected] = await tx.execute(sql`
          SELECT 1 FROM amc_sandbox.executions
          WHERE time_window_start = ${row.time_window_start} AND reason LIKE ${`${INJECTED_FAILURE}%`} LIMIT 1`);
        if (!injected) return finish("FAILED", { reason: `${INJECTED_FAILURE} for the window starting ${options.failOnceWindowStart}.` });
      }
      try {
        const result = await runSandboxQuery(tx, row.translated_sql, {
          window,
          extendedWindows: row.extended_windows,
          statementTimeoutMs: options.statementTimeoutMs,
          threshold: options.disableAggregationControls ? 0 : row.analysis.threshold,
          userCountColumns: row.analysis.userCountColumns,
          hiddenColumns: row.analysis.hiddenColumns,
          maxRows: options.maxResultRows,
        });
        if (await cancelRequested()) return finish("CANCELLED", {});
        return finish("SUCCEEDED", {
          csv: toCsv(result.columns.map((c) => c.name), result.rows),
          columns: result.columns,
          rows: result.rows.length,
          dropped: result.droppedRows,
        });
      } catch (e) {
        if (await cancelRequested()) return finish("CANCELLED", {});
        if (e instanceof SandboxQueryError) return finish("FAILED", { reason: e.message });
        // Anything else (a lost connection, a bug) leaves the job PENDING for the next poller.
        throw e;
      }
    });
  }

  const gateway: SandboxGateway = {
    async submit(req: SubmitRequest) {
      checkInstance(req.instanceId);
      validateWindow(req.timeWindow);
      const analysis = analyzeAmcSql(req.sql);
      if (analysis.violations.length > 0) {
        throw new AmcError("invalid_query", violationMessage(analysis.violations), {
          httpStatus: 400,
          amcCode: analysis.violations[0]?.code,
        });
      }
      const threshold = options.disableAggregationControls ? 0 : analysis.threshold;
      if (threshold > 0 && analysis.userCountColumns.length === 0) {
        throw new AmcError(
          "invalid_query",
          "The sandbox applies AMC's aggregation threshold from a distinct-user count in the final SELECT: add a column computed as COUNT(DISTINCT user_id) (or a lower bound of it, or a column named __du that is left out of the results)",
          { httpStatus: 400, amcCode: "NO_USER_COUNT_COLUMN" },
        );
      }
      let translated;
      try {
        translated = translateAmcSql(req.sql, { now: options.now(), window: req.timeWindow });
      } catch (e) {
        if (e instanceof TranslationError) throw new AmcError("invalid_query", e.message, { httpStatus: 400 });
        throw e;
      }
      await ensureSandboxSchema(db);
      const id = randomUUID();
      const stored: Analysis = {
        threshold,
        userCountColumns: analysis.userCountColumns,
        hiddenColumns: analysis.hiddenColumns,
      };
      await db.execute(sql`
        INSERT INTO amc_sandbox.executions (execution_id, instance_id, sql_text, translated_sql, extended_windows, analysis,
          time_window_start, time_window_end, time_window_time_zone, submitted_at, status)
        VALUES (${id}, ${req.instanceId}, ${req.sql}, ${translated.sql}, ${JSON.stringify(translated.extendedWindows)}::jsonb,
          ${JSON.stringify(stored)}::jsonb, ${req.timeWindow.start}, ${req.timeWindow.end}, ${req.timeWindow.timeZone},
          ${options.now().toISOString()}::timestamptz, 'PENDING')`);
      return { amcExecutionId: id };
    },

    async status(instanceId, amcExecutionId) {
      const row = await load(instanceId, amcExecutionId);
      if (TERMINAL.has(row.status)) return state(row.status, row.reason);
      if (running.has(amcExecutionId)) return state("RUNNING");
      if (options.now().getTime() - Math.round(Number(row.submitted_ms)) < runDelayMs) return state("PENDING");
      launch(amcExecutionId);
      return state("RUNNING");
    },

    async cancel(instanceId, amcExecutionId) {
      const row = await load(instanceId, amcExecutionId);
      if (TERMINAL.has(row.status)) return;
      const outcome = await db.transaction(async (tx) => {
        try {
          await tx.transaction(async (sp) => {
            await sp.execute(sql`SELECT 1 FROM amc_sandbox.executions WHERE execution_id = ${amcExecutionId} FOR UPDATE NOWAIT`);
          });
        } catch {
          return "busy" as const; // a runner holds it (or is about to finish)
        }
        await tx.execute(sql`
          UPDATE amc_sandbox.executions SET status = 'CANCELLED', finished_at = ${options.now().toISOString()}::timestamptz
          WHERE execution_id = ${amcExecutionId} AND status = 'PENDING'`);
        return "done" as const;
      });
      if (outcome === "done") return;
      // Running somewhere: leave a request the runner reads before storing its outcome, and
      // interrupt the query of whichever backend holds the run lock.
      await db.execute(sql`
        INSERT INTO amc_sandbox.execution_cancellations (execution_id, requested_at)
        VALUES (${amcExecutionId}, ${options.now().toISOString()}::timestamptz) ON CONFLICT DO NOTHING`);
      await db.execute(sql`
        SELECT pg_cancel_backend(l.pid) FROM pg_locks l
        WHERE l.locktype = 'advisory' AND l.granted AND l.classid = ${RUN_LOCK_CLASS}::oid
          AND l.objid = hashtext(${amcExecutionId})::oid AND l.objsubid = 2 AND l.pid <> pg_backend_pid()`);
    },

    async results(instanceId, amcExecutionId) {
      const row = await load(instanceId, amcExecutionId);
      if (row.status !== "SUCCEEDED") {
        throw new AmcError("not_found", `Execution ${amcExecutionId} has no results: it is ${row.status}`, { httpStatus: 404 });
      }
      const file: ResultFile = {
        async open() {
          const [r] = await db.execute<{ csv: string }>(sql`
            SELECT result_csv AS csv FROM amc_sandbox.executions WHERE execution_id = ${amcExecutionId}`);
          return csvChunks(r?.csv ?? "");
        },
      };
      return [file];
    },

    async listInstances() {
      return options.instances ?? [SANDBOX_INSTANCE];
    },

    async listExecutions(instanceId, since) {
      checkInstance(instanceId);
      await ensureSandboxSchema(db);
      // The sandbox's own table is its record of every create it accepted, like AMC's listing.
      const rows = await db.execute<{
        execution_id: string;
        status: string;
        sql_text: string;
        time_window_start: string;
        time_window_end: string;
        time_window_time_zone: string;
        submitted_at: string;
      }>(sql`
        SELECT execution_id, status, sql_text, time_window_start, time_window_end, time_window_time_zone,
               to_json(submitted_at) #>> '{}' AS submitted_at
        FROM amc_sandbox.executions
        WHERE instance_id = ${instanceId} AND submitted_at >= ${since.toISOString()}::timestamptz
        ORDER BY submitted_at, execution_id`);
      return rows.map((r) => ({
        amcExecutionId: r.execution_id,
        amcStatus: r.status,
        sql: r.sql_text,
        timeWindow: { start: r.time_window_start, end: r.time_window_end, timeZone: r.time_window_time_zone },
        createdAt: new Date(r.submitted_at),
      }));
    },

    async whenIdle() {
      while (running.size > 0) await Promise.allSettled([...running.values()]);
    },
  };
  return gateway;
}

function validateWindow(w: AmcTimeWindow): void {
  const bad = (message: string) => new AmcError("invalid_query", message, { httpStatus: 400, amcCode: "INVALID_TIME_WINDOW" });
  if (!LOCAL_TIME.test(w.start) || Number.isNaN(Date.parse(`${w.start}Z`))) {
    throw bad(`Invalid timeWindowStart '${w.start}': expected YYYY-MM-DDTHH:MM:SS`);
  }
  if (!LOCAL_TIME.test(w.end) || Number.isNaN(Date.parse(`${w.end}Z`))) {
    throw bad(`Invalid timeWindowEnd '${w.end}': expected YYYY-MM-DDTHH:MM:SS`);
  }
  if (w.start >= w.end) throw bad("timeWindowStart must be before timeWindowEnd");
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: w.timeZone });
  } catch {
    throw bad(`Invalid timeWindowTimeZone '${w.timeZone}'`);
  }
}

export interface SandboxExecutionDetails {
  status: string;
  /** Result rows kept, and rows the aggregation threshold dropped (AMC drops them silently). */
  rowCount: number | null;
  droppedRows: number | null;
  /** Distinct users a row needed (0 with aggregation controls off). */
  threshold: number;
  columns: { name: string; type: string }[] | null;
  /** The PostgreSQL the sandbox ran. */
  translatedSql: string;
}

/**
 * What only the sandbox knows about an execution, for the UI's "AMC drops rows below its
 * privacy threshold" hint and for debugging translations. Undefined for unknown ids.
 */
export async function sandboxExecutionDetails(
  db: Database,
  instanceId: string,
  amcExecutionId: string,
): Promise<SandboxExecutionDetails | undefined> {
  await ensureSandboxSchema(db);
  const [row] = await db.execute<{
    status: string;
    row_count: number | null;
    dropped_rows: number | null;
    analysis: Analysis;
    result_columns: { name: string; type: string }[] | null;
    translated_sql: string;
  }>(sql`
    SELECT status, row_count, dropped_rows, analysis, result_columns, translated_sql
    FROM amc_sandbox.executions WHERE execution_id = ${amcExecutionId} AND instance_id = ${instanceId}`);
  if (!row) return undefined;
  return {
    status: row.status,
    rowCount: row.row_count,
    droppedRows: row.dropped_rows,
    threshold: row.analysis.threshold,
    columns: row.result_columns,
    translatedSql: row.translated_sql,
  };
}
