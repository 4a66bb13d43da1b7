import { inflateRawSync } from "node:zlib";
import type { Database } from "../db/client";
import { executionResultRows, executionResults } from "../db/schema";
import { makeExecution } from "./factories";

/** A completed execution of `reportUuid` over [start, end) with the given result. Test-only. */
export async function completedRun(
  db: Database,
  reportUuid: string,
  window: { start: string; end: string },
  columns: string[],
  rows: (string | null)[][],
  opts: { completedAt?: Date; instanceId?: string | null; triggeredBy?: "manual" | "schedule" | "backfill" } = {},
) {
  const start = new Date(window.start);
  const end = new Date(window.end);
  const run = await makeExecution(db, reportUuid, {
    status: "completed",
    triggeredBy: opts.triggeredBy ?? "manual",
    instanceId: opts.instanceId ?? null,
    timeWindowStart: start,
    timeWindowEnd: end,
    completedAt: opts.completedAt ?? new Date(),
    rowCount: rows.length,
  });
  await db.insert(executionResults).values({
    executionId: run.id,
    reportId: reportUuid,
    columns,
    rowCount: rows.length,
    sizeBytes: 1,
    windowStart: start,
    windowEnd: end,
  });
  if (rows.length) await db.insert(executionResultRows).values(rows.map((cells, i) => ({ executionId: run.id, rowNo: i + 1, cells })));
  return run;
}

/** Reads a ZIP (stored or deflated entries) into name → text. Test-only. */
export function readZip(buf: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error("no end of central directory");
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error("bad central directory entry");
    const method = buf.readUInt16LE(p + 10);
    const csize = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString("utf8");
    if (buf.readUInt32LE(local) !== 0x04034b50) throw new Error("bad local header");
    const dataStart = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(dataStart, dataStart + csize);
    out.set(name, (method === 8 ? inflateRawSync(data) : data).toString("utf8"));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

/** The cell texts of sheet1's rows (inline strings and numbers). Test-only. */
export function sheetRows(xml: string): string[][] {
  return [...xml.matchAll(/<row[^>]*>(.*?)<\/row>/g)].map((m) =>
    [...m[1]!.matchAll(/<c [^>]*>(?:<v>(.*?)<\/v>|<is><t[^>]*>(.*?)<\/t><\/is>)<\/c>/g)].map((c) =>
      (c[1] ?? c[2] ?? "").replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&quot;", '"').replaceAll("&amp;", "&"),
    ),
  );
}
