import fs from "node:fs";
import path from "node:path";

const HERE = import.meta.dirname;

/** The seed's SQL blocks, verbatim, from the committed copy. */
export function seedBlocks(): string[] {
  const text = fs.readFileSync(path.join(HERE, "seed-000.sql"), "utf8");
  return text.split(/^-- @block\n/m).slice(1);
}

/** Extracts the ```sql blocks of the original seed document (shared/seed/...). */
export function blocksFromSeedDocument(markdown: string): string[] {
  return [...markdown.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
}

/**
 * The seed with its three defects fixed the smallest way possible, so that it can be applied
 * to a database and compared with what our migrations build:
 *  1. report_schedules is created before report_executions, which references it;
 *  2. the invalid `UNIQUE(...) WHERE` table constraint becomes a partial unique index;
 *  3. (re-runs) not exercised here: this is applied once to a clean database.
 */
export function fixedSeedSql(): string {
  const blocks = seedBlocks();
  const find = (needle: string) => {
    const i = blocks.findIndex((b) => b.includes(needle));
    if (i < 0) throw new Error(`seed block with ${needle} not found`);
    return i;
  };
  const executions = find("CREATE TABLE IF NOT EXISTS report_executions");
  const schedules = find("CREATE TABLE IF NOT EXISTS report_schedules");
  const ordered = [...blocks];
  const [sched] = ordered.splice(schedules, 1);
  ordered.splice(executions, 0, sched!);
  const bad = /,\n\s*UNIQUE\(report_id, is_active\) WHERE is_active = TRUE\n\);/;
  return ordered
    .join("\n")
    .replace(
      bad,
      "\n);\nCREATE UNIQUE INDEX uq_report_schedules_one_active_per_report ON report_schedules(report_id) WHERE is_active = TRUE;",
    );
}
