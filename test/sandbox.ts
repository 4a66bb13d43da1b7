import { beforeAll } from "vitest";
import { ensureSandboxData } from "../lib/amc/sandbox/generate";
import { type TestDatabase, freshDatabase } from "./db";

/**
 * A fresh database (freshDatabase) holding the test-size sandbox data, generated before the
 * file's tests. Call at the top level of a test file.
 */
export async function sandboxDatabase(): Promise<TestDatabase> {
  const t = await freshDatabase();
  beforeAll(async () => {
    await ensureSandboxData(t.db, { size: "test" });
  });
  return t;
}
