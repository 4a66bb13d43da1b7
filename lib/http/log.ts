/**
 * One line per unexpected failure, for both wrappers (route handlers and server actions) and
 * the engine. Only the error's name and, for a PostgreSQL error, its SQLSTATE and message are
 * written: drizzle's query errors carry the SQL and every bound parameter in their own message,
 * and those may hold password hashes, ciphertexts or whatever a user typed.
 */
export function logError(msg: string, e: unknown, fields: Record<string, unknown> = {}): void {
  const cause = e && typeof e === "object" && "cause" in e ? e.cause : undefined;
  const pg = cause ?? e;
  const pgCode = pg && typeof pg === "object" && "code" in pg && typeof pg.code === "string" ? pg.code : undefined;
  console.error(
    JSON.stringify({
      level: "error",
      msg,
      ...fields,
      name: e instanceof Error ? e.name : typeof e,
      pgCode,
      // PostgreSQL's own message names the problem ("invalid input syntax for type uuid"), not the values.
      pgMessage: pgCode && pg instanceof Error ? pg.message.split("\n")[0] : undefined,
    }),
  );
}
