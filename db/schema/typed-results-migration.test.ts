import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createDatabase } from "../client";
import { withDatabase } from "../embedded";
import { MIGRATIONS_FOLDER } from "../migrate";
import { assignSlots } from "./result-slots";

// Issue 13: results stored before typed storage (JSONB arrays of text cells) are moved into typed
// columns by 0013/0014 with the ingest's own type rules. A database migrated up to 0012 gets such
// results, then the rest of the migrations run.

const adminUrl = inject("testAdminUrl");
const name = `amc_test_mig_${randomBytes(6).toString("hex")}`;
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
afterAll(async () => {
  await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
});

async function migrateTo(url: string, folder: string) {
  const h = createDatabase(url, { max: 1 });
  try {
    await migrate(h.db as Parameters<typeof migrate>[0], { migrationsFolder: folder });
  } finally {
    await h.close();
  }
}

describe("migrating stored results to typed rows", () => {
  it("infers each column's type as the ingest would and keeps every cell as written", async () => {
    await admin.unsafe(`CREATE DATABASE "${name}"`);
    const url = withDatabase(adminUrl, name);
    // The migrations as they were before typed storage: the journal cut after 0012.
    const before = fs.mkdtempSync(path.join(os.tmpdir(), "amc-mig-"));
    fs.cpSync(MIGRATIONS_FOLDER, before, { recursive: true });
    const journalPath = path.join(before, "meta", "_journal.json");
    const journal = JSON.parse(fs.readFileSync(journalPath, "utf8")) as { entries: { idx: number }[] };
    journal.entries = journal.entries.filter((e) => e.idx <= 12);
    fs.writeFileSync(journalPath, JSON.stringify(journal));
    await migrateTo(url, before);
    fs.rmSync(before, { recursive: true, force: true });

    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const [r] = await sql`INSERT INTO report_definitions (report_id, name) VALUES ('rpt_mig', 'm') RETURNING id`;
      const [e] = await sql`INSERT INTO report_executions (execution_id, report_id, triggered_by, status) VALUES ('exec_mig', ${r!.id}, 'manual', 'completed') RETURNING id`;
      const columns = ["day", "n", "x", "zip", "empty", "bad_date"];
      await sql`INSERT INTO execution_results (execution_id, report_id, columns, row_count, size_bytes) VALUES (${e!.id}, ${r!.id}, ${sql.json(columns)}, 3, 10)`;
      const rows = [
        ["2026-01-01", "1", "1.50", "01234", "", "2026-02-30"],
        ["2026-01-02", "2", "", "99999", "", "x"],
        ["2026-01-03", "-3", "-0.25", "12", "", "1"],
      ];
      for (const [i, cells] of rows.entries()) {
        await sql`INSERT INTO execution_result_rows (execution_id, row_no, cells) VALUES (${e!.id}, ${i + 1}, ${sql.json(cells)})`;
      }
      await migrateTo(url, MIGRATIONS_FOLDER);

      const [res] = await sql<{ column_slots: unknown; ingest_path: string; result_key: string }[]>`
        SELECT column_slots, ingest_path, result_key FROM execution_results`;
      expect(res!.ingest_path).toBe("migrated");
      // The SQL migration assigns the slots the ingest's TypeScript would.
      expect(res!.column_slots).toEqual(assignSlots(["date", "integer", "decimal", "text", "text", "text"]));
      const typed = await sql`
        SELECT row_no, to_char(d1, 'YYYY-MM-DD') AS d1, i1::text, n1::text, t1, t2, t3
        FROM execution_result_rows WHERE result_key = ${res!.result_key} ORDER BY row_no`;
      expect(typed.map((t) => [t.d1, t.i1, t.n1, t.t1, t.t2, t.t3])).toEqual([
        ["2026-01-01", "1", "1.50", "01234", null, "2026-02-30"],
        ["2026-01-02", "2", null, "99999", null, "x"],
        ["2026-01-03", "-3", "-0.25", "12", null, "1"],
      ]);
      const [old] = await sql`SELECT to_regclass('execution_result_rows_v1') AS t`;
      expect(old!.t).toBeNull();
    } finally {
      await sql.end();
    }
  });
});
