import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog } from "../../db/schema";
import { freshDatabase } from "../../test/db";
import { makeInstance, makeUser } from "../../test/factories";
import { rejection } from "../../test/rejection";
import { listAuditLog, parseAuditQuery, type AuditQuery } from "./queries";
import { recordAudit } from "./record";

const { db } = await freshDatabase();
const admin = await makeUser(db, { role: "admin", email: "boss@example.com" });
const member = await makeUser(db, { email: "mia@example.com" });
const instance = await makeInstance(db, { instanceId: "amcfilters", instanceName: "Filters instance" });

const at = (iso: string) => new Date(iso);
// Six entries over three days (UTC), by two actors.
await recordAudit(db, { actor: admin, action: "access.grant", targetType: "user", targetId: "mia@example.com", instanceId: instance.id, now: at("2026-03-01T09:00:00Z") });
await recordAudit(db, { actor: member, action: "report.create", targetType: "report", targetId: "rpt_a", instanceId: instance.id, now: at("2026-03-01T10:00:00Z") });
await recordAudit(db, { actor: member, action: "run.create", targetType: "execution", targetId: "exec_a", instanceId: instance.id, now: at("2026-03-02T08:00:00Z") });
await recordAudit(db, { actor: member, action: "schedule.pause", targetType: "schedule", targetId: "sch_a", now: at("2026-03-02T23:59:59Z") });
await recordAudit(db, { actor: admin, action: "user.create", targetType: "user", targetId: "new@example.com", now: at("2026-03-03T00:00:00Z") });
await recordAudit(db, { actor: null, action: "schedule.pause", targetType: "schedule", targetId: "sch_b", now: at("2026-03-03T12:00:00Z") });

const ids = async (q: AuditQuery, pageSize?: number) => (await listAuditLog(db, admin, q, pageSize)).rows.map((r) => r.targetId);

describe("the audit log read model", () => {
  it("lists newest first, with the instance's name and the actor as recorded", async () => {
    const { rows, nextBefore } = await listAuditLog(db, admin, {});
    expect(rows.map((r) => r.targetId)).toEqual(["sch_b", "new@example.com", "sch_a", "exec_a", "rpt_a", "mia@example.com"]);
    expect(rows[0]).toMatchObject({ actorEmail: null, actorExists: false });
    expect(rows[5]).toMatchObject({ actorEmail: "boss@example.com", actorExists: true, amcInstanceId: "amcfilters", instanceName: "Filters instance" });
    expect(nextBefore).toBeNull();
  });

  it("filters by actor, action, target type and UTC days, alone and together", async () => {
    expect(await ids({ actor: "mia@example.com" })).toEqual(["sch_a", "exec_a", "rpt_a"]);
    expect(await ids({ action: "schedule.pause" })).toEqual(["sch_b", "sch_a"]);
    expect(await ids({ targetType: "user" })).toEqual(["new@example.com", "mia@example.com"]);
    expect(await ids({ from: "2026-03-02", to: "2026-03-02" })).toEqual(["sch_a", "exec_a"]);
    expect(await ids({ from: "2026-03-03" })).toEqual(["sch_b", "new@example.com"]);
    expect(await ids({ to: "2026-03-01" })).toEqual(["rpt_a", "mia@example.com"]);
    expect(await ids({ actor: "mia@example.com", action: "schedule.pause" })).toEqual(["sch_a"]);
  });

  it("pages by keyset in SQL: every entry once, also entries that share a millisecond", async () => {
    // Three entries in one millisecond, told apart only by microseconds: a cursor cut to a JS
    // Date would skip some.
    for (const us of ["001", "002", "003"]) {
      await db.insert(auditLog).values({
        occurredAt: sql`${`2026-03-04T00:00:00.000${us}Z`}::timestamptz`,
        action: "run.cancel",
        targetType: "execution",
        targetId: `exec_us${us}`,
      });
    }
    const seen: string[] = [];
    let before: string | undefined;
    for (let page = 0; page < 10; page++) {
      const { rows, nextBefore } = await listAuditLog(db, admin, { before }, 2);
      seen.push(...rows.map((r) => r.targetId));
      if (!nextBefore) break;
      before = nextBefore;
    }
    expect(seen).toEqual(["exec_us003", "exec_us002", "exec_us001", "sch_b", "new@example.com", "sch_a", "exec_a", "rpt_a", "mia@example.com"]);
  });

  it("has an index for each filter that serves the page without a sort", async () => {
    // Seq scans off: on a table this small the planner would rightly scan it; this checks that
    // an index exists in the page's order (ORDER BY occurred_at DESC, id DESC).
    for (const [where, index] of [
      [sql`TRUE`, "idx_audit_log_occurred"],
      [sql`action = 'schedule.pause'`, "idx_audit_log_action"],
      [sql`actor_email = 'mia@example.com'`, "idx_audit_log_actor_email"],
      [sql`target_type = 'user'`, "idx_audit_log_target"],
    ] as const) {
      const plan = await db.transaction(async (tx) => {
        await tx.execute(sql`SET LOCAL enable_seqscan = off`);
        await tx.execute(sql`SET LOCAL enable_bitmapscan = off`);
        return tx.execute<{ "QUERY PLAN": string }>(sql`EXPLAIN SELECT * FROM audit_log WHERE ${where} ORDER BY occurred_at DESC, id DESC LIMIT 51`);
      });
      const text = [...plan].map((r) => r["QUERY PLAN"]).join("\n");
      expect(text).toContain(index);
      expect(text).not.toMatch(/Sort/);
    }
  });

  it("refuses members", async () => {
    expect(await rejection(listAuditLog(db, member, {}))).toMatchObject({ code: "FORBIDDEN" });
  });

  it("reads filters from the URL, ignoring malformed, unknown and NUL-bearing values", () => {
    expect(
      parseAuditQuery({ actor: " Mia@Example.com ", action: "report.create", target: "report", from: "2026-03-01", to: "2026-03-02", before: "0b6f4b8e-3a52-4b3c-9d1e-2f3a4b5c6d7e" }),
    ).toEqual({ actor: "mia@example.com", action: "report.create", targetType: "report", from: "2026-03-01", to: "2026-03-02", before: "0b6f4b8e-3a52-4b3c-9d1e-2f3a4b5c6d7e" });
    expect(parseAuditQuery({ actor: "a\u0000b", action: "drop.table", target: "password", from: "2026-13-45", to: ["x"], before: "' OR 1=1" })).toEqual({
      actor: undefined,
      action: undefined,
      targetType: undefined,
      from: undefined,
      to: undefined,
      before: undefined,
    });
  });
});
