import { describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import { grant, makeInstance, makeUser } from "../../test/factories";
import { listInstancesForUser } from "./instances";

describe("visibleInstancesWhere through the instances list", async () => {
  const { db } = await freshDatabase();
  const admin = await makeUser(db, { role: "admin" });
  const member = await makeUser(db);
  const lone = await makeUser(db);
  const granted = await makeInstance(db, { instanceName: "A granted", instanceType: "STANDARD" });
  const grantedInactive = await makeInstance(db, { instanceName: "B granted, inactive", instanceType: "STANDARD", isActive: false });
  const other = await makeInstance(db, { instanceName: "C other", instanceType: "STANDARD" });
  await grant(db, member.id, granted.id);
  await grant(db, member.id, grantedInactive.id);
  // Another user's grant on `other` must not leak to the member.
  await grant(db, lone.id, other.id);

  const ids = (rows: { instanceId: string }[]) => rows.map((r) => r.instanceId);
  const mine = (rows: { instanceId: string }[]) => ids(rows).filter((i) => [granted, grantedInactive, other].some((x) => x.instanceId === i));

  it("the instances list: an admin sees all, a member only the granted ones", async () => {
    expect(mine(await listInstancesForUser(db, admin))).toEqual([granted.instanceId, grantedInactive.instanceId, other.instanceId]);
    expect(ids(await listInstancesForUser(db, member))).toEqual([granted.instanceId, grantedInactive.instanceId]);
  });
});
