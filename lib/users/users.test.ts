import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import { listUsersWithAccess } from "../../db/queries/users";
import { amcInstances, userInstanceAccess, users } from "../../db/schema";
import { canAccessInstance, instanceScope, type SessionUser } from "../../db/queries/access";
import { verifyPassword } from "../auth/password";
import { createUserSchema, grantSchema, revokeSchema } from "./schemas";
import { createUser, grantInstanceAccess, revokeInstanceAccess } from "./users";

const PASSWORD = "correct horse battery staple";

describe("users and instance access", async () => {
  const t = await freshDatabase();
  const { db } = t;

  // Seeded directly: these tests are about what createUser/grant/revoke do, not about setup.
  const [adminRow, memberRow] = await db
    .insert(users)
    .values([
      { email: "admin@example.com", name: "Admin", passwordHash: "x", role: "admin" },
      { email: "member@example.com", name: "Member", passwordHash: "x", role: "member" },
    ])
    .returning({ id: users.id, email: users.email, name: users.name, role: users.role });
  const [sandbox, standard] = await db
    .insert(amcInstances)
    .values([
      { instanceId: "amcsandboxtest", instanceName: "Sandbox", instanceType: "SANDBOX" },
      { instanceId: "amcstandardtest", instanceName: "Brand US", instanceType: "STANDARD" },
    ])
    .returning({ id: amcInstances.id });
  if (!adminRow || !memberRow || !sandbox || !standard) throw new Error("setup failed");
  const admin: SessionUser = adminRow;
  const member: SessionUser = memberRow;

  const countUsers = async () => (await db.select({ n: sql<number>`count(*)::int` }).from(users))[0]?.n;
  const grantsOf = (userId: string) =>
    db.select().from(userInstanceAccess).where(eq(userInstanceAccess.userId, userId));

  it("lets an admin create a member, storing the email lower-cased and the password as an argon2 hash", async () => {
    const created = await createUser(db, admin, {
      email: "  New.Person@Example.COM ",
      name: " New Person ",
      password: PASSWORD,
      role: "member",
    });
    expect(created).toMatchObject({ email: "new.person@example.com", name: "New Person", role: "member" });

    const [row] = await db.select().from(users).where(eq(users.id, created.id));
    expect(row?.email).toBe("new.person@example.com");
    expect(row?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(row?.passwordHash).not.toContain(PASSWORD);
    expect(await verifyPassword(row?.passwordHash ?? "", PASSWORD)).toBe(true);
  });

  it("rejects a duplicate email in any case as a field error and writes nothing", async () => {
    const before = await countUsers();
    const [original] = await db.select().from(users).where(eq(users.email, "new.person@example.com"));

    await expect(
      createUser(db, admin, { email: "NEW.PERSON@example.com", name: "Other", password: PASSWORD, role: "admin" }),
    ).rejects.toMatchObject({
      code: "VALIDATION_ERROR",
      fieldErrors: { email: ["A user with this email already exists."] },
    });

    expect(await countUsers()).toBe(before);
    const [after] = await db.select().from(users).where(eq(users.email, "new.person@example.com"));
    expect(after).toEqual(original);
  });

  it("lets exactly one of two concurrent creates with the same email win", async () => {
    const input = { email: "race@example.com", name: "Race", password: PASSWORD, role: "member" } as const;
    const results = await Promise.allSettled([createUser(db, admin, input), createUser(db, admin, input)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const [rejected] = results.filter((r) => r.status === "rejected");
    expect(rejected?.reason).toMatchObject({ code: "VALIDATION_ERROR", fieldErrors: { email: expect.any(Array) } });
  });

  it("refuses members: no user created, no access granted or revoked", async () => {
    const before = await countUsers();
    await expect(
      createUser(db, member, { email: "sneaky@example.com", name: "Sneaky", password: PASSWORD, role: "admin" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await countUsers()).toBe(before);

    await expect(
      grantInstanceAccess(db, member, { userId: member.id, instanceId: standard.id }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await grantsOf(member.id)).toEqual([]);

    await grantInstanceAccess(db, admin, { userId: member.id, instanceId: sandbox.id });
    await expect(
      revokeInstanceAccess(db, member, { userId: member.id, instanceId: sandbox.id }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await grantsOf(member.id)).toHaveLength(1);
    await revokeInstanceAccess(db, admin, { userId: member.id, instanceId: sandbox.id });
  });

  it("checks the role before the input, so a member learns nothing from validation", async () => {
    await expect(
      createUser(db, member, { email: "not-an-email", name: "", password: "x", role: "member" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("grants idempotently and records who granted", async () => {
    expect(await grantInstanceAccess(db, admin, { userId: member.id, instanceId: standard.id })).toEqual({
      granted: true,
    });
    expect(await grantInstanceAccess(db, admin, { userId: member.id, instanceId: standard.id })).toEqual({
      granted: false,
    });
    const rows = await grantsOf(member.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ instanceId: standard.id, grantedBy: admin.id });
    expect(await canAccessInstance(db, member, standard.id)).toBe(true);
  });

  it("revokes: access checks and the instance scope no longer include the instance", async () => {
    await grantInstanceAccess(db, admin, { userId: member.id, instanceId: sandbox.id });
    expect(await instanceScope(db, member)).toEqual({
      kind: "some",
      instanceIds: expect.arrayContaining([sandbox.id, standard.id]),
    });

    expect(await revokeInstanceAccess(db, admin, { userId: member.id, instanceId: standard.id })).toEqual({
      revoked: true,
    });
    expect(await canAccessInstance(db, member, standard.id)).toBe(false);
    expect(await canAccessInstance(db, member, sandbox.id)).toBe(true);
    expect(await instanceScope(db, member)).toEqual({ kind: "some", instanceIds: [sandbox.id] });

    // Revoking again is a no-op, not an error.
    expect(await revokeInstanceAccess(db, admin, { userId: member.id, instanceId: standard.id })).toEqual({
      revoked: false,
    });
    const left = await db
      .select()
      .from(userInstanceAccess)
      .where(and(eq(userInstanceAccess.userId, member.id), eq(userInstanceAccess.instanceId, sandbox.id)));
    expect(left).toHaveLength(1);
  });

  it("answers NOT_FOUND for an unknown instance or user and writes nothing", async () => {
    const before = await grantsOf(member.id);
    await expect(
      grantInstanceAccess(db, admin, { userId: member.id, instanceId: randomUUID() }),
    ).rejects.toMatchObject({ code: "NOT_FOUND", message: "AMC instance was not found." });
    await expect(
      grantInstanceAccess(db, admin, { userId: randomUUID(), instanceId: sandbox.id }),
    ).rejects.toMatchObject({ code: "NOT_FOUND", message: "User was not found." });
    expect(await grantsOf(member.id)).toEqual(before);
  });

  it("rejects malformed ids as validation errors, not database errors", async () => {
    await expect(
      grantInstanceAccess(db, admin, { userId: "1; DROP TABLE users", instanceId: sandbox.id }),
    ).rejects.toMatchObject({ code: "VALIDATION_ERROR", fieldErrors: { userId: expect.any(Array) } });
  });

  it("lists users by email with their grants, without password hashes", async () => {
    const list = await listUsersWithAccess(db);
    expect(list.map((u) => u.email)).toEqual([...list.map((u) => u.email)].sort());
    const m = list.find((u) => u.id === member.id);
    expect(m?.instances).toEqual([
      { id: sandbox.id, instanceId: "amcsandboxtest", instanceName: "Sandbox", instanceType: "SANDBOX" },
    ]);
    expect(list.find((u) => u.id === admin.id)?.instances).toEqual([]);
    expect(m).not.toHaveProperty("passwordHash");
  });
});

describe("user input schemas", () => {
  const valid = { email: "a@example.com", name: "A", password: PASSWORD, role: "member" };

  it("accepts a valid user and normalises it", () => {
    expect(createUserSchema.parse({ ...valid, email: " A@Example.com ", name: "  A " })).toEqual({
      ...valid,
      email: "a@example.com",
      name: "A",
    });
  });

  it("rejects a short password with a clear message", () => {
    const r = createUserSchema.safeParse({ ...valid, password: "short" });
    expect(r.success).toBe(false);
    expect(r.error?.issues).toEqual([
      expect.objectContaining({ path: ["password"], message: "Use at least 12 characters." }),
    ]);
  });

  it("rejects a bad email, an empty name and an unknown role", () => {
    const r = createUserSchema.safeParse({ email: "not-an-email", name: "   ", password: PASSWORD, role: "owner" });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join("."))).toEqual(["email", "name", "role"]);
  });

  it("rejects an email longer than 254 characters", () => {
    const long = `${"a".repeat(250)}@example.com`;
    expect(createUserSchema.safeParse({ ...valid, email: long }).success).toBe(false);
  });

  it("rejects unknown keys rather than dropping them", () => {
    const r = createUserSchema.safeParse({ ...valid, passwordHash: "$argon2id$..." });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.code).toBe("unrecognized_keys");
    const ids = { userId: randomUUID(), instanceId: randomUUID() };
    expect(grantSchema.safeParse({ ...ids, grantedBy: randomUUID() }).success).toBe(false);
    expect(revokeSchema.safeParse({ ...ids, extra: 1 }).success).toBe(false);
    expect(grantSchema.safeParse(ids).success).toBe(true);
  });

  it("requires uuids for access changes", () => {
    expect(revokeSchema.safeParse({ userId: "abc", instanceId: randomUUID() }).success).toBe(false);
  });
});
