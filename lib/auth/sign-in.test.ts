import { describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import { users } from "../../db/schema";
import { UNKNOWN_ADDRESS } from "./client-address";
import { issueDeviceToken, verifyDeviceToken } from "./device";
import { hashPassword } from "./password";
import { authenticate, type SignInInput } from "./sign-in";
import { THROTTLE } from "./throttle";

const { db } = await freshDatabase();
const SECRET = "test-secret-0123456789abcdef0123456789";
const PASSWORD = "correct horse battery staple";
const t0 = new Date("2026-11-25T10:00:00Z");
const at = (ms: number) => new Date(t0.getTime() + ms);

const [victim] = await db
  .insert(users)
  .values({ email: "victim@example.com", name: "Victim", passwordHash: await hashPassword(PASSWORD), role: "admin" })
  .returning({ id: users.id });
if (!victim) throw new Error("setup failed");

const attempt = (over: Partial<SignInInput>) =>
  authenticate(db, { email: "victim@example.com", password: PASSWORD, address: "203.0.113.10", deviceToken: null, secret: SECRET, now: at(0), ...over });

async function attack(address: string, email = "victim@example.com", times = THROTTLE.perAccountAddress + 3) {
  const outcomes = [];
  for (let i = 0; i < times; i++) outcomes.push((await attempt({ email, password: `guess-${i}`, address, now: at(i * 1000) })).kind);
  return outcomes;
}

describe("sign-in", () => {
  it("lets the victim in with the right password while an attacker is held on the same account from another address", async () => {
    const outcomes = await attack("198.51.100.66");
    expect(outcomes.slice(0, THROTTLE.perAccountAddress).every((k) => k === "invalid")).toBe(true);
    expect(outcomes.slice(THROTTLE.perAccountAddress).every((k) => k === "throttled")).toBe(true);
    // Held with the right password too: the attacker's address learns nothing more.
    expect((await attempt({ address: "198.51.100.66", now: at(20_000) })).kind).toBe("throttled");

    const victimIn = await attempt({ address: "203.0.113.10", now: at(21_000) });
    expect(victimIn.kind).toBe("ok");
    if (victimIn.kind !== "ok") return;
    expect(victimIn.user).toMatchObject({ id: victim.id, email: "victim@example.com", sessionVersion: 0 });
    // The browser becomes a known device of this account.
    expect(verifyDeviceToken(SECRET, victimIn.deviceToken)?.userId).toBe(victim.id);
  });

  it("lets a known device's right password through while the account is held at its own address", async () => {
    await attack("198.51.100.77");
    expect((await attempt({ address: "198.51.100.77", now: at(30_000) })).kind).toBe("throttled");
    const device = issueDeviceToken(SECRET, victim.id, "dev-laptop");
    const known = await attempt({ address: "198.51.100.77", deviceToken: device, now: at(31_000) });
    expect(known).toMatchObject({ kind: "ok", deviceToken: device });
    // Another account's device cookie, or a forged one, is no pass.
    expect((await attempt({ address: "198.51.100.77", deviceToken: issueDeviceToken(SECRET, "someone-else"), now: at(32_000) })).kind).toBe("throttled");
    expect((await attempt({ address: "198.51.100.77", deviceToken: issueDeviceToken("other-secret-0123456789abcdef", victim.id), now: at(33_000) })).kind).toBe("throttled");
  });

  it("answers an unknown email exactly as a wrong password, and throttles it the same way", async () => {
    const outcomes = await attack("198.51.100.88", "nobody@example.com");
    expect(outcomes).toEqual(await attack("198.51.100.99", "victim@example.com"));
  });

  it("without trusted proxies every client is the unknown bucket: held accounts are held for all new devices, known devices still get in", async () => {
    await attack(UNKNOWN_ADDRESS);
    expect((await attempt({ address: UNKNOWN_ADDRESS, now: at(40_000) })).kind).toBe("throttled");
    const device = issueDeviceToken(SECRET, victim.id, "dev-phone");
    expect((await attempt({ address: UNKNOWN_ADDRESS, deviceToken: device, now: at(41_000) })).kind).toBe("ok");
  });

  it("issues no device cookie without a secret", async () => {
    expect(await attempt({ secret: undefined, address: "192.0.2.1", now: at(2 * THROTTLE.windowMs) })).toMatchObject({ kind: "ok", deviceToken: null });
  });
});
