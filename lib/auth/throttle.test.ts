import { describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import { checkSignInThrottle, recordSignInAttempt, THROTTLE } from "./throttle";

const { db } = await freshDatabase();
const t0 = new Date("2026-11-25T10:00:00Z");
const at = (ms: number) => new Date(t0.getTime() + ms);

describe("sign-in throttling", () => {
  it("locks an account after repeated failures until the oldest one leaves the window", async () => {
    const email = "victim@example.com";
    for (let i = 0; i < THROTTLE.maxFailuresPerEmail - 1; i++) {
      expect(await checkSignInThrottle(db, email, "10.0.0.1", at(i * 1000))).toEqual({ allowed: true });
      await recordSignInAttempt(db, email, "10.0.0.1", false, at(i * 1000));
    }
    await recordSignInAttempt(db, email, "10.0.0.2", false, at(60_000));
    const locked = await checkSignInThrottle(db, email, "10.0.0.3", at(61_000));
    expect(locked.allowed).toBe(false);
    if (!locked.allowed) expect(locked.retryAfterMs).toBe(THROTTLE.windowMs - 61_000);
    // Another account from the same address is unaffected.
    expect(await checkSignInThrottle(db, "other@example.com", "10.0.0.1", at(61_000))).toEqual({ allowed: true });
    // Once the oldest failure is out of the window, one more try is allowed.
    expect(await checkSignInThrottle(db, email, null, at(THROTTLE.windowMs + 1))).toEqual({ allowed: true });
  });

  it("a success clears the account's failures", async () => {
    const email = "forgetful@example.com";
    for (let i = 0; i < THROTTLE.maxFailuresPerEmail - 1; i++) await recordSignInAttempt(db, email, null, false, at(i));
    await recordSignInAttempt(db, email, null, true, at(10));
    await recordSignInAttempt(db, email, null, false, at(20));
    expect(await checkSignInThrottle(db, email, null, at(30))).toEqual({ allowed: true });
  });

  it("limits one address guessing across many accounts", async () => {
    for (let i = 0; i < THROTTLE.maxFailuresPerIp; i++) {
      await recordSignInAttempt(db, `spray${i}@example.com`, "203.0.113.9", false, at(i));
    }
    const v = await checkSignInThrottle(db, "fresh@example.com", "203.0.113.9", at(100));
    expect(v.allowed).toBe(false);
  });
});
