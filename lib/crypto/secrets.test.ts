import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret, keyringFrom, needsReencryption, SecretDecryptionError } from "./secrets";

const k1 = randomBytes(32).toString("base64");
const k2 = randomBytes(32).toString("base64");

describe("secrets at rest", () => {
  it("round-trips and never contains the plaintext", () => {
    const ring = keyringFrom(k1);
    const c = encryptSecret("Atzr|refresh-token-value", ring);
    expect(c).not.toContain("refresh-token-value");
    expect(c.startsWith("v1.")).toBe(true);
    expect(decryptSecret(c, ring)).toBe("Atzr|refresh-token-value");
    // Fresh IV each time.
    expect(encryptSecret("same", ring)).not.toBe(encryptSecret("same", ring));
  });

  it("rotates: old ciphertexts decrypt with the old key listed, and are flagged for re-encryption", () => {
    const c = encryptSecret("s3cret", keyringFrom(k1));
    const rotated = keyringFrom(k2, k1);
    expect(decryptSecret(c, rotated)).toBe("s3cret");
    expect(needsReencryption(c, rotated)).toBe(true);
    expect(needsReencryption(encryptSecret("x", rotated), rotated)).toBe(false);
    expect(() => decryptSecret(c, keyringFrom(k2))).toThrow(SecretDecryptionError);
  });

  it("rejects tampering and relabelling", () => {
    const ring = keyringFrom(k1);
    const c = encryptSecret("s3cret", ring);
    const parts = c.split(".");
    parts[4] = Buffer.from("other").toString("base64url");
    expect(() => decryptSecret(parts.join("."), ring)).toThrow(SecretDecryptionError);
    expect(() => decryptSecret("plaintext", ring)).toThrow(SecretDecryptionError);
  });

  it("refuses a key of the wrong size", () => {
    expect(() => keyringFrom(Buffer.alloc(16).toString("base64"))).toThrow(/32 bytes/);
    expect(() => keyringFrom(undefined)).toThrow(/not set/);
  });
});
