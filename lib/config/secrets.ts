import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";

/** The three secrets production must be given; development makes its own once, under .data/. */
export const SECRET_NAMES = ["AUTH_SECRET", "APP_ENCRYPTION_KEY", "CRON_SECRET"] as const;
export type SecretName = (typeof SECRET_NAMES)[number];

const secretsFile = z.object({
  AUTH_SECRET: z.string().min(32),
  APP_ENCRYPTION_KEY: z.string().min(32),
  CRON_SECRET: z.string().min(32),
});

/**
 * Fills missing secrets in `env` from `.data/secrets.json`, creating that file on first use.
 * Never called in production, where a missing secret is a start-up error (see requireSecrets).
 */
export function loadDevSecrets(
  env: NodeJS.ProcessEnv,
  dir = path.resolve(process.cwd(), ".data"),
): void {
  const file = path.join(dir, "secrets.json");
  let stored: z.infer<typeof secretsFile>;
  if (fs.existsSync(file)) {
    stored = secretsFile.parse(JSON.parse(fs.readFileSync(file, "utf8")));
  } else {
    stored = {
      AUTH_SECRET: randomBytes(32).toString("base64url"),
      // 32 bytes for AES-256-GCM, base64.
      APP_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      CRON_SECRET: randomBytes(32).toString("base64url"),
    };
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  }
  for (const name of SECRET_NAMES) env[name] ??= stored[name];
}

export function missingSecrets(env: NodeJS.ProcessEnv): SecretName[] {
  return SECRET_NAMES.filter((n) => !env[n] || env[n].length < 32);
}
