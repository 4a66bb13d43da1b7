import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * The "known device" cookie (OWASP's device cookies): set on a successful sign-in, it lets that
 * browser's correct password through while the account or its address is being throttled, so an
 * attacker's guessing never locks the owner out. Stateless: `<userId>.<deviceId>.<mac>`, the MAC an
 * HMAC of both under AUTH_SECRET. It is no credential by itself (the password is still checked).
 */
export const DEVICE_COOKIE = "amc-device";
export const DEVICE_COOKIE_MAX_AGE_S = 180 * 24 * 3600;

export interface KnownDevice {
  userId: string;
  deviceId: string;
}

function mac(secret: string, userId: string, deviceId: string): Buffer {
  // A label keeps this MAC from ever equalling another use of the same secret.
  return createHmac("sha256", secret).update(`amc-device-cookie:v1|${userId}|${deviceId}`).digest();
}

export function issueDeviceToken(secret: string, userId: string, deviceId = randomBytes(16).toString("base64url")): string {
  return `${userId}.${deviceId}.${mac(secret, userId, deviceId).toString("base64url")}`;
}

export function verifyDeviceToken(secret: string, token: string | null | undefined): KnownDevice | null {
  if (!token || token.length > 300) return null;
  const [userId, deviceId, given, extra] = token.split(".");
  if (!userId || !deviceId || !given || extra !== undefined) return null;
  const expected = mac(secret, userId, deviceId);
  const actual = Buffer.from(given, "base64url");
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return null;
  return { userId, deviceId };
}

/** One cookie's value from a Cookie header (no decoding needed: the token is base64url). */
export function cookieValue(header: string | null, name: string): string | null {
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}
