import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import { signInThrottle } from "../../db/schema";
import { UNKNOWN_ADDRESS } from "./client-address";
import { reserve, reserveSignIn, retryAfterText, settle, THROTTLE, untrustedBudgets } from "./throttle";

const { db } = await freshDatabase();
const t0 = new Date("2026-11-25T10:00:00Z");
const at = (ms: number) => new Date(t0.getTime() + ms);

async function fail(email: string, address: string, when: Date, deviceId: string | null = null) {
  const r = await reserveSignIn(db, { email, address, deviceId }, when);
  if (r.allowed) await settle(db, r.budgets, false, when);
  return r;
}

describe("sign-in throttling", () => {
  it("limits one account from one address, and says when the window refills", async () => {
    const email = "victim@example.com";
    for (let i = 0; i < THROTTLE.perAccountAddress; i++) expect((await fail(email, "198.51.100.1", at(i * 1000))).allowed).toBe(true);
    const held = await reserveSignIn(db, { email, address: "198.51.100.1", deviceId: null }, at(60_000));
    expect(held).toEqual({ allowed: false, retryAfterMs: THROTTLE.windowMs - 60_000 });
    // The same account from another address, and another account from this address, are not held.
    expect((await reserveSignIn(db, { email, address: "203.0.113.5", deviceId: null }, at(61_000))).allowed).toBe(true);
    expect((await reserveSignIn(db, { email: "other@example.com", address: "198.51.100.1", deviceId: null }, at(61_000))).allowed).toBe(true);
    // After the window, the address may try again.
    expect((await reserveSignIn(db, { email, address: "198.51.100.1", deviceId: null }, at(THROTTLE.windowMs + 1))).allowed).toBe(true);
  });

  it("lets parallel attempts take no more guesses than the budget", async () => {
    const budgets = [{ key: "acct-ip:race@example.com|198.51.100.2", limit: THROTTLE.perAccountAddress }];
    const results = await Promise.all(Array.from({ length: 20 }, () => reserve(db, budgets, at(0))));
    expect(results.filter((r) => r.allowed)).toHaveLength(THROTTLE.perAccountAddress);
  });

  it("a refused attempt spends nothing, so a held attacker cannot drain the account-wide budget", async () => {
    const email = "target@example.com";
    for (let i = 0; i < 100; i++) await fail(email, "198.51.100.3", at(i));
    const [acct] = await db.select().from(signInThrottle).where(eq(signInThrottle.key, `acct:${email}`));
    expect(acct?.failures).toBe(THROTTLE.perAccountAddress);
  });

  it("limits an account across addresses (distributed guessing) and one address across accounts (spraying)", async () => {
    const email = "popular@example.com";
    for (let a = 0; a < THROTTLE.perAccount / THROTTLE.perAccountAddress; a++) {
      for (let i = 0; i < THROTTLE.perAccountAddress; i++) await fail(email, `192.0.2.${a}`, at(1000));
    }
    expect((await reserveSignIn(db, { email, address: "192.0.2.99", deviceId: null }, at(2000))).allowed).toBe(false);

    for (let i = 0; i < THROTTLE.perAddress; i++) await fail(`spray${i}@example.com`, "203.0.113.99", at(i));
    expect((await reserveSignIn(db, { email: "fresh@example.com", address: "203.0.113.99", deviceId: null }, at(100))).allowed).toBe(false);
  });

  it("has no per-address budget for the unknown bucket (it would be one global limit)", () => {
    expect(untrustedBudgets({ email: "a@example.com", address: UNKNOWN_ADDRESS, deviceId: null }).map((b) => b.key)).toEqual([
      `acct-ip:a@example.com|${UNKNOWN_ADDRESS}`,
      "acct:a@example.com",
    ]);
  });

  it("a known device spends its own budget, then falls back to the untrusted ones", async () => {
    const email = "owner@example.com";
    for (let i = 0; i < THROTTLE.perAccountAddress; i++) await fail(email, "198.51.100.4", at(i));
    // The account is held for new devices at this address; the owner's device is not.
    expect((await reserveSignIn(db, { email, address: "198.51.100.4", deviceId: null }, at(10))).allowed).toBe(false);
    for (let i = 0; i < THROTTLE.perDevice; i++) expect((await fail(email, "198.51.100.4", at(20 + i), "dev-owner")).allowed).toBe(true);
    // Its own budget spent, the device is one more client at this address, which is held.
    expect((await reserveSignIn(db, { email, address: "198.51.100.4", deviceId: "dev-owner" }, at(40))).allowed).toBe(false);
  });

  it("a success forgives this account at this address and gives back the shared guess", async () => {
    const email = "typo@example.com";
    for (let i = 0; i < THROTTLE.perAccountAddress - 1; i++) await fail(email, "198.51.100.5", at(i));
    const ok = await reserveSignIn(db, { email, address: "198.51.100.5", deviceId: null }, at(10));
    if (!ok.allowed) throw new Error("expected an allowed attempt");
    await settle(db, ok.budgets, true, at(10));
    const rows = await db.select().from(signInThrottle).where(eq(signInThrottle.key, `acct:${email}`));
    expect(rows[0]?.failures).toBe(THROTTLE.perAccountAddress - 1);
    expect(await db.select().from(signInThrottle).where(eq(signInThrottle.key, `acct-ip:${email}|198.51.100.5`))).toEqual([]);
  });

  it("words the wait in whole minutes, rounded up", () => {
    expect(retryAfterText(1000)).toBe("1 minute");
    expect(retryAfterText(3 * 60_000 + 1)).toBe("4 minutes");
  });
});
