import { TranslationError } from "./error";

// SQL literals for the sandbox clock and the execution window.

/** Window bounds as the gateway passes them: local `YYYY-MM-DDTHH:MM:SS`. */
const LOCAL_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})$/;

/** An execution window bound (`YYYY-MM-DDTHH:MM:SS`, local) as PostgreSQL timestamp text. */
export function localToPg(local: string): string {
  const m = LOCAL_TIME.exec(local);
  if (!m) throw new TranslationError(`Invalid time window value '${local}': expected YYYY-MM-DDTHH:MM:SS`);
  return `${m[1]} ${m[2]}`;
}

/** A SQL string literal. */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** CURRENT_DATE on the sandbox clock. */
export function todayLiteral(now: Date): string {
  return `DATE '${now.toISOString().slice(0, 10)}'`;
}

/** CURRENT_TIMESTAMP on the sandbox clock (UTC, milliseconds). */
export function nowLiteral(now: Date): string {
  return `TIMESTAMP '${now.toISOString().slice(0, 23).replace("T", " ")}'`;
}

/** CAST('today' AS DATE) and friends, pinned to the sandbox clock; undefined for other values. */
export function relativeLiteral(value: string, type: "DATE" | "TIMESTAMP", now: Date): string | undefined {
  const dayShift: Record<string, number> = { today: 0, yesterday: -1, tomorrow: 1 };
  if (value === "now") return type === "DATE" ? todayLiteral(now) : nowLiteral(now);
  // Own keys only: 'constructor' or 'toString' are strings a query may cast, not day shifts.
  if (!Object.hasOwn(dayShift, value)) return undefined;
  const shift = dayShift[value]!;
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + shift));
  const day = d.toISOString().slice(0, 10);
  return type === "DATE" ? `DATE '${day}'` : `TIMESTAMP '${day} 00:00:00'`;
}
