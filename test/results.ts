import { eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { executionResults } from "../db/schema";
import { resultRowBatches } from "../lib/results/read";

/** A stored result's cells (text, in row order), or [] when the execution has none. Test-only. */
export async function storedCells(db: Database, executionUuid: string): Promise<(string | null)[][]> {
  const [ref] = await db.select().from(executionResults).where(eq(executionResults.executionId, executionUuid));
  if (!ref) return [];
  const out: (string | null)[][] = [];
  for await (const batch of resultRowBatches(db, ref)) out.push(...batch);
  return out;
}
