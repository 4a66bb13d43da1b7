import "server-only";
import { z } from "zod";
import { getDb, type Database } from "../../db/client";
import { currentUser } from "../auth/session";
import type { SessionUser } from "../../db/queries/access";
import { AppError, parseInput, type ErrorBody } from "../errors";
import { nulPath } from "../http/handler";
import { logError } from "../http/log";
import { DATABASE_UNAVAILABLE_MESSAGE, unavailableCode } from "../errors/unavailable";

export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };

export interface ActionContext {
  db: Database;
  user: SessionUser;
}

/**
 * The one server-action wrapper: parse input with zod, require a session, run the handler,
 * and turn every failure into `{ ok: false, error }` (never a raw exception at the user).
 * Authorization of the specific instance/report happens in the handler, by id.
 */
export function action<S extends z.ZodType, T>(
  schema: S,
  handler: (input: z.output<S>, ctx: ActionContext) => Promise<T>,
) {
  return async (input: z.input<S>): Promise<ActionResult<T>> => {
    try {
      const user = await currentUser();
      if (!user) throw new AppError("UNAUTHENTICATED", "Your session has ended. Sign in again.");
      const parsed = parseInput(schema, input);
      // After parsing, so a form's fields are named as the schema names them.
      const nul = nulPath(parsed);
      if (nul) throw new AppError("VALIDATION_ERROR", "A field holds a NUL byte, which no field accepts.", { [nul.join(".")]: ["Remove the NUL (\\0) character."] });
      return { ok: true, data: await handler(parsed, { db: getDb(), user }) };
    } catch (e) {
      if (e instanceof AppError) return { ok: false, error: e.toBody() };
      // Let Next's redirect()/notFound() through.
      if (e && typeof e === "object" && "digest" in e && typeof e.digest === "string" && e.digest.startsWith("NEXT_")) throw e;
      // A database restart or failover: the form says so and the user tries again; no stack logged.
      const outage = unavailableCode(e);
      if (outage) {
        console.warn(JSON.stringify({ level: "warn", msg: "action refused: database unavailable", cause: outage }));
        return { ok: false, error: { code: "UNAVAILABLE", message: DATABASE_UNAVAILABLE_MESSAGE } };
      }
      logError("action failed", e);
      return { ok: false, error: { code: "INTERNAL", message: "Something went wrong on our side. Try again; if it keeps happening, tell your admin." } };
    }
  };
}

/**
 * FormData → plain object (repeated keys become arrays), for actions posted from <form>.
 * React adds its own `$ACTION_...` fields to progressively enhanced forms; they are plumbing,
 * not input, so they are dropped and strict schemas can still reject any other unknown key.
 */
export function formDataToObject(form: FormData): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of form.entries()) {
    if (typeof v !== "string" || k.startsWith("$ACTION_")) continue;
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

// Duck-typed rather than `instanceof`, so a FormData from another realm (the framework's
// multipart decoder) still counts.
const formDataSchema = z.custom<FormData>(
  (v) => typeof v === "object" && v !== null && typeof (v as FormData).entries === "function",
  "Expected form data.",
);

/** A schema for actions posted from forms: FormData, flattened, then `schema`. */
export const fromForm = <S extends z.ZodType<unknown, Record<string, string | string[]>>>(schema: S) =>
  formDataSchema.transform(formDataToObject).pipe(schema);
