import { spawn } from "node:child_process";
import path from "node:path";
import { runMigrations } from "../db/migrate";
import { ensureDatabase, startEmbeddedPostgres } from "../db/embedded";
import { createDatabase } from "../db/client";
import { seed } from "../lib/demo/seed";
import { seedFailingSchedule } from "../lib/demo/failing-schedule";
import { loadDevSecrets, missingSecrets } from "../lib/config/secrets";
import { DEMO_ADMIN } from "../lib/config/demo";
import { prepareSandbox } from "../lib/amc/sandbox/prepare";

/**
 * What `npm run dev` and `npm start` share: find or start PostgreSQL, migrate, seed, then run
 * Next with DATABASE_URL and the secrets in its environment.
 */
export async function boot(mode: "dev" | "start"): Promise<void> {
  const env = { ...process.env };
  let stopEmbedded: (() => Promise<void>) | undefined;
  const embedded = !env.DATABASE_URL;

  if (embedded) {
    const dataDir = path.resolve(env.AMC_DATA_DIR ?? ".data");
    console.log(`[boot] no DATABASE_URL: starting embedded PostgreSQL under ${dataDir}/pg`);
    const pg = await startEmbeddedPostgres(path.join(dataDir, "pg"));
    stopEmbedded = pg.stop;
    env.DATABASE_URL = await ensureDatabase(pg.adminUrl, "amc");
    loadDevSecrets(env, dataDir);
  } else if (mode === "dev") {
    loadDevSecrets(env);
  }

  const missing = missingSecrets(env);
  if (missing.length > 0) {
    console.error(`[boot] refusing to start: missing ${missing.join(", ")} (each at least 32 characters)`);
    process.exit(1);
  }

  const databaseUrl = env.DATABASE_URL!;
  await runMigrations(databaseUrl);
  console.log("[boot] migrations applied");
  {
    const { db, close } = createDatabase(databaseUrl, { max: 1 });
    try {
      if (embedded || env.SEED_ON_START === "1") {
        await seed(db);
        console.log(`[boot] demo data ready. Sign in as ${DEMO_ADMIN.email} / ${DEMO_ADMIN.password}`);
        // Test-only (e2e/serve.ts): a schedule whose runs fail, for the notification spec.
        if (env.DEMO_FAILING_SCHEDULE === "1") await seedFailingSchedule(db);
      }
      // Synthetic AMC data for SANDBOX instances: generated once (then monthly), timed.
      const sandbox = await prepareSandbox(db, { size: env.SANDBOX_SIZE, log: (l) => console.log(`[sandbox] ${l}`) });
      console.log(
        sandbox.generated
          ? `[boot] sandbox data generated in ${(sandbox.durationMs / 1000).toFixed(1)} s (${sandbox.totalRows.toLocaleString("en-US")} rows up to ${sandbox.anchor})`
          : `[boot] sandbox data present (up to ${sandbox.anchor})`,
      );
    } finally {
      await close();
    }
  }

  env.AUTH_TRUST_HOST ??= "true";
  // No phoning home: the app must run on machines without internet access.
  env.NEXT_TELEMETRY_DISABLED ??= "1";
  const port = env.PORT ?? "3000";
  const nextBin = path.resolve("node_modules", "next", "dist", "bin", "next");
  const child = spawn(process.execPath, [nextBin, mode, "--port", port], {
    env,
    stdio: "inherit",
  });

  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    if (child.exitCode === null) child.kill("SIGTERM");
    if (stopEmbedded) await stopEmbedded().catch(() => {});
    process.exit(code);
  };
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));
  child.on("exit", (code) => void shutdown(code ?? 0));
}
