import type postgres from "postgres";
import type { Database } from "../../db/client";
import type { AmcGateway } from "../amc/gateway";
import type { InstanceType } from "../../db/schema";
import { DEFAULT_ENGINE_SETTINGS, type EngineSettings } from "../executions/settings";
import type { MailSettings } from "../notifications/mailer";

/** What the engine needs to know about an instance to reach it. */
export interface InstanceRef {
  id: string;
  instanceId: string;
  instanceType: InstanceType;
  accountId: string | null;
  /** The app's demo instance, run on the synthetic sandbox; every other instance is at AMC. */
  isBuiltinSandbox: boolean;
}

export type GatewayResolver = (instance: InstanceRef) => Promise<AmcGateway>;

export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/**
 * Everything an engine phase depends on. Phases are functions of these (and nothing in process
 * memory), so any number of servers can run them at once: PostgreSQL row locks, SKIP LOCKED and
 * leases decide who does what.
 */
export interface EngineDeps {
  db: Database;
  /** Raw client on the same database, for COPY streaming while ingesting results. */
  sql: postgres.Sql;
  gateways: GatewayResolver;
  now: Date;
  settings?: Partial<EngineSettings>;
  log?: Logger;
  /** How notification mails leave (SMTP_URL, MAIL_FROM); absent = no SMTP, mails wait in the outbox. */
  mail?: MailSettings;
}

export function settingsOf(deps: EngineDeps): EngineSettings {
  return { ...DEFAULT_ENGINE_SETTINGS, ...deps.settings };
}

/** Structured JSON lines; callers never pass secrets in fields. */
export const jsonLogger: Logger = {
  info: (msg, fields) => console.log(JSON.stringify({ level: "info", msg, ...fields })),
  warn: (msg, fields) => console.warn(JSON.stringify({ level: "warn", msg, ...fields })),
  error: (msg, fields) => console.error(JSON.stringify({ level: "error", msg, ...fields })),
};

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };

export const logOf = (deps: EngineDeps): Logger => deps.log ?? jsonLogger;

/**
 * An error's message without what drizzle appends to failed queries (the statement and every
 * bound parameter, which may hold secrets): the driver's own message is enough for a log line.
 */
export function errorMessage(e: unknown): string {
  const cause = e && typeof e === "object" && "cause" in e ? (e as { cause: unknown }).cause : undefined;
  if (cause instanceof Error && cause.message) return cause.message;
  if (e instanceof Error) return e.message.split("\n")[0]!.slice(0, 300);
  return String(e).slice(0, 300);
}

export const addMs = (d: Date, ms: number) => new Date(d.getTime() + ms);
