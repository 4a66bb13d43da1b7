import { describe, expect, it } from "vitest";
import { cookieValue, issueDeviceToken, verifyDeviceToken } from "./device";

const SECRET = "test-secret-0123456789abcdef0123456789";

describe("device cookie", () => {
  it("verifies its own tokens and names the user and device", () => {
    const token = issueDeviceToken(SECRET, "user-1", "dev-1");
    expect(verifyDeviceToken(SECRET, token)).toEqual({ userId: "user-1", deviceId: "dev-1" });
    const fresh = issueDeviceToken(SECRET, "user-1");
    expect(verifyDeviceToken(SECRET, fresh)?.deviceId).toMatch(/^[\w-]{22}$/);
  });

  it("refuses a token moved to another user, another secret's token, and garbage", () => {
    const [, deviceId, mac] = issueDeviceToken(SECRET, "user-1", "dev-1").split(".");
    expect(verifyDeviceToken(SECRET, `user-2.${deviceId}.${mac}`)).toBeNull();
    expect(verifyDeviceToken(SECRET, issueDeviceToken("another-secret-0123456789abcdef", "user-1"))).toBeNull();
    for (const bad of [null, "", "a.b", "a.b.c.d", "user-1.dev-1.", `user-1.dev-1.${"A".repeat(400)}`]) {
      expect(verifyDeviceToken(SECRET, bad)).toBeNull();
    }
  });

  it("reads one cookie from a Cookie header", () => {
    expect(cookieValue("a=1; amc-device=x.y.z; b=2", "amc-device")).toBe("x.y.z");
    expect(cookieValue("xamc-device=1", "amc-device")).toBeNull();
    expect(cookieValue(null, "amc-device")).toBeNull();
  });
});
