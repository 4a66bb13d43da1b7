import { getDb, getSql } from "../../db/client";
import { createGatewayResolver } from "../amc/resolve";
import { createSandboxGateway } from "../amc/sandbox/gateway";
import { mailSettingsFromEnv } from "../notifications/mailer";
import type { EngineDeps, GatewayResolver } from "./deps";

/**
 * The engine as the app server runs it: the process's database pool, and gateways resolved per
 * instance (the built-in sandbox for SANDBOX instances, Amazon for the others). Only the
 * resolver's token cache lives in memory, and losing it costs one token refresh.
 */
let resolver: GatewayResolver | undefined;

export function appEngineDeps(now: Date): EngineDeps {
  const db = getDb();
  resolver ??= createGatewayResolver(db, {
    sandbox: () =>
      createSandboxGateway(db, { now: () => new Date(), failOnceWindowStart: process.env.SANDBOX_FAIL_ONCE_WINDOW_START }),
  });
  return { db, sql: getSql(), gateways: resolver, now, mail: mailSettingsFromEnv(process.env) };
}
