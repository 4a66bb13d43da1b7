import { randomUUID } from "node:crypto";
import {
  AmcError,
  toExecutionStatus,
  type AmcGateway,
  type ExecutionState,
  type ListedExecution,
  type ResultFile,
  type SubmitRequest,
} from "../lib/amc/gateway";

/**
 * An in-memory AMC for engine tests: scripted answers, and a record of every call so tests can
 * assert "submitted exactly once" and "never more than N running per instance".
 */
export class FakeGateway implements AmcGateway {
  submits: SubmitRequest[] = [];
  cancels: string[] = [];
  resultCalls = 0;
  /** Errors the next submit calls throw, in order. */
  submitErrors: AmcError[] = [];
  /** The next N submits create their execution, then throw a transient error (the answer is lost). */
  loseSubmitAnswers = 0;
  listCalls = 0;
  /** Per AMC id, the statuses the next status() calls return; the last one repeats. */
  statusScript = new Map<string, string[]>();
  defaultStatuses = ["RUNNING", "SUCCEEDED"];
  failReason = "Query failed: column foo does not exist";
  csv = "day,campaign,impressions\n2026-01-01,Alpha,10\n2026-01-02,\"Beta, Inc\",20\n";
  /** Throw a transient error after this many bytes of the next download. */
  breakDownloadAfterBytes: number | null = null;
  running = new Map<string, number>();
  maxRunningSeen = new Map<string, number>();
  private byAmcId = new Map<string, SubmitRequest>();

  async submit(req: SubmitRequest): Promise<{ amcExecutionId: string }> {
    // Let other "servers" interleave, as a network call would.
    await new Promise((r) => setImmediate(r));
    const err = this.submitErrors.shift();
    if (err) throw err;
    // What was sent, without the engine's callback (tests compare requests as plain data).
    const { isAdopted: _isAdopted, ...sent } = req;
    this.submits.push(sent);
    const id = `wfe-${randomUUID()}`;
    this.byAmcId.set(id, sent);
    const n = (this.running.get(req.instanceId) ?? 0) + 1;
    this.running.set(req.instanceId, n);
    this.maxRunningSeen.set(req.instanceId, Math.max(n, this.maxRunningSeen.get(req.instanceId) ?? 0));
    if (this.loseSubmitAnswers > 0) {
      this.loseSubmitAnswers -= 1;
      throw new AmcError("transient", "504 Gateway Timeout after AMC accepted the create", { httpStatus: 504 });
    }
    return { amcExecutionId: id };
  }

  /** Every execution of the instance, oldest first (the fake keeps no clock; matching is exact anyway). */
  async listExecutions(instanceId: string): Promise<ListedExecution[]> {
    this.listCalls += 1;
    return [...this.byAmcId]
      .filter(([, req]) => req.instanceId === instanceId)
      .map(([amcExecutionId, req]) => ({ amcExecutionId, amcStatus: "RUNNING", sql: req.sql, timeWindow: req.timeWindow }));
  }

  async status(instanceId: string, amcExecutionId: string): Promise<ExecutionState> {
    if (!this.byAmcId.has(amcExecutionId)) throw new AmcError("not_found", `execution ${amcExecutionId} does not exist`, { httpStatus: 400 });
    const script = this.statusScript.get(amcExecutionId) ?? [...this.defaultStatuses];
    const amcStatus = script.length > 1 ? script.shift()! : script[0]!;
    this.statusScript.set(amcExecutionId, script);
    const status = toExecutionStatus(amcStatus);
    if (status === "completed" || status === "failed" || status === "cancelled") this.release(instanceId);
    return { status, amcStatus, reason: status === "failed" ? this.failReason : undefined };
  }

  async cancel(instanceId: string, amcExecutionId: string): Promise<void> {
    this.cancels.push(amcExecutionId);
    this.statusScript.set(amcExecutionId, ["CANCELLED"]);
    this.release(instanceId);
  }

  async results(): Promise<ResultFile[]> {
    this.resultCalls += 1;
    const bytes = new TextEncoder().encode(this.csv);
    const breakAt = this.breakDownloadAfterBytes;
    this.breakDownloadAfterBytes = null;
    return [
      {
        open: async () =>
          (async function* () {
            const cut = breakAt ?? bytes.length;
            for (let i = 0; i < Math.min(cut, bytes.length); i += 7) yield bytes.slice(i, Math.min(i + 7, cut));
            if (breakAt !== null) throw new AmcError("transient", "connection reset during download");
          })(),
      },
    ];
  }

  async listInstances() {
    return [];
  }

  private release(instanceId: string) {
    this.running.set(instanceId, Math.max(0, (this.running.get(instanceId) ?? 1) - 1));
  }
}
