import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

/**
 * AES-256-GCM for secrets at rest (refresh tokens, client secrets).
 *
 * Ciphertext format: `v1.<keyId>.<iv>.<tag>.<data>` (base64url parts). The key id is the first
 * 8 hex characters of SHA-256(key), so a rotated key can be told apart: APP_ENCRYPTION_KEY is
 * the current key, APP_ENCRYPTION_KEYS_OLD (comma-separated) the ones still accepted for
 * decryption. A ciphertext made under a key we no longer have fails with a clear error and the
 * caller marks the connection "needs re-authorization" — it never falls back to plaintext.
 */
export class SecretDecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SecretDecryptionError";
  }
}

interface Keyring {
  current: { id: string; key: Buffer };
  all: Map<string, Buffer>;
}

function parseKey(encoded: string): Buffer {
  const key = Buffer.from(encoded.trim(), "base64");
  if (key.length !== 32) throw new Error("APP_ENCRYPTION_KEY must be 32 bytes, base64-encoded");
  return key;
}

const keyId = (key: Buffer) => createHash("sha256").update(key).digest("hex").slice(0, 8);

export function keyringFrom(current: string | undefined, old: string | undefined = ""): Keyring {
  if (!current) throw new Error("APP_ENCRYPTION_KEY is not set");
  const key = parseKey(current);
  const all = new Map<string, Buffer>([[keyId(key), key]]);
  for (const o of old.split(",").filter((s) => s.trim())) {
    const k = parseKey(o);
    all.set(keyId(k), k);
  }
  return { current: { id: keyId(key), key }, all };
}

export function keyringFromEnv(env: NodeJS.ProcessEnv = process.env): Keyring {
  return keyringFrom(env.APP_ENCRYPTION_KEY, env.APP_ENCRYPTION_KEYS_OLD);
}

export function encryptSecret(plaintext: string, keyring: Keyring = keyringFromEnv()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyring.current.key, iv);
  // The key id is authenticated too, so a ciphertext cannot be relabelled to another key.
  cipher.setAAD(Buffer.from(keyring.current.id));
  const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return ["v1", keyring.current.id, iv.toString("base64url"), tag.toString("base64url"), data.toString("base64url")].join(".");
}

export function decryptSecret(ciphertext: string, keyring: Keyring = keyringFromEnv()): string {
  const parts = ciphertext.split(".");
  if (parts.length !== 5 || parts[0] !== "v1") throw new SecretDecryptionError("not an encrypted secret");
  const [, id, iv, tag, data] = parts as [string, string, string, string, string];
  const key = keyring.all.get(id);
  if (!key) throw new SecretDecryptionError(`encrypted with key ${id}, which is not configured`);
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
    decipher.setAAD(Buffer.from(id));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretDecryptionError("the secret could not be decrypted (tampered or wrong key)");
  }
}

/** Whether a ciphertext was made under an older key and should be re-encrypted. */
export function needsReencryption(ciphertext: string, keyring: Keyring = keyringFromEnv()): boolean {
  return ciphertext.split(".")[1] !== keyring.current.id;
}
