import { describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import { makeInstance, makeReport, makeUser } from "../../test/factories";
import { amcAccounts } from "../schema";
import { listAmcAccounts, listInstancesForUser } from "./instances";

describe("the instances page's counts (correlated subqueries)", async () => {
  const { db } = await freshDatabase();
  const admin = await makeUser(db, { role: "admin" });
  const [account] = await db.insert(amcAccounts).values({ accountId: "acct_counts", accountName: "Counts" }).returning();
  const busy = await makeInstance(db, { instanceType: "STANDARD", accountId: account!.id });
  const quiet = await makeInstance(db, { instanceType: "STANDARD", accountId: account!.id });
  for (let i = 0; i < 3; i++) await makeReport(db, { instanceId: busy.id });

  it("counts each instance's own reports", async () => {
    const rows = await listInstancesForUser(db, admin);
    const count = (instanceId: string) => rows.find((r) => r.instanceId === instanceId)?.reportCount;
    expect([count(busy.instanceId), count(quiet.instanceId)]).toEqual([3, 0]);
  });

  it("counts each account's instances", async () => {
    const accounts = await listAmcAccounts(db);
    expect(accounts.find((a) => a.accountId === "acct_counts")?.instanceCount).toBe(2);
  });
});
