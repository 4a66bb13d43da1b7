import { getDb, getSql } from "../../db/client";
import { createGatewayResolver } from "../amc/resolve";
import { createSandboxGateway } from "../amc/sandbox/gateway";
import { mailSettingsFromEnv } from "../notifications/mailer";
import { z } from "zod";
import type { EngineSettings } from "../executions/settings";
import type { EngineDeps, GatewayResolver } from "./deps";

/**
 * The engine as the app server runs it: the process's database pool, and gateways resolved per
 * instance (the built-in sandbox for SANDBOX instances, Amazon for the others). Only the
 * resolver's token cache lives in memory, and losing it costs one token refresh.
 */
let resolver: GatewayResolver | undefined;

const months = z.coerce.number().int().min(1).max(120);

/** STORED_RESULT_MONTHS overrides how long results are kept (default 13 months); a bad value stops the app. */
function storedResultSettings(env: NodeJS.ProcessEnv): Partial<EngineSettings> {
  const raw = env.STORED_RESULT_MONTHS;
  if (raw === undefined || raw === "") return {};
  const parsed = months.safeParse(raw);
  if (!parsed.success) throw new Error("STORED_RESULT_MONTHS must be a whole number of months from 1 to 120.");
  return { storedResultMonths: parsed.data };
}

export function appEngineDeps(now: Date): EngineDeps {
  const db = getDb();
  resolver ??= createGatewayResolver(db, {
    sandbox: () =>
      createSandboxGateway(db, { now: () => new Date(), failOnceWindowStart: process.env.SANDBOX_FAIL_ONCE_WINDOW_START }),
  });
  return { db, sql: getSql(), gateways: resolver, now, mail: mailSettingsFromEnv(process.env), settings: storedResultSettings(process.env) };
}
