import { createHash } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { apiIdempotencyKeys } from "../../db/schema";
import { AppError } from "../errors";

export interface StoredAnswer {
  status: number;
  body: unknown;
  /** True when this is the first request's answer played back. */
  replayed: boolean;
}

const hashOf = (value: unknown) => createHash("sha256").update(JSON.stringify(value ?? null)).digest("hex");

/**
 * Runs `create` at most once per (user, endpoint, key): the first answer is stored in the same
 * transaction as what it created, and a retried request with the same key gets it back instead
 * of creating again. Concurrent retries wait on one advisory lock per key, so two racing
 * requests cannot both create. The same key with a different body is refused (422): it is a
 * client bug, and answering the first request's result would hide it.
 */
export async function once(
  db: Database,
  ref: { userId: string; endpoint: string; key: string | undefined; request: unknown },
  create: (tx: Database) => Promise<{ status: number; body: unknown }>,
): Promise<StoredAnswer> {
  if (ref.key === undefined) return { ...(await create(db)), replayed: false };
  const key = ref.key;
  const requestHash = hashOf(ref.request);
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`api-idempotency:${ref.userId}:${ref.endpoint}:${key}`}))`);
    const [stored] = await tx
      .select()
      .from(apiIdempotencyKeys)
      .where(and(eq(apiIdempotencyKeys.userId, ref.userId), eq(apiIdempotencyKeys.endpoint, ref.endpoint), eq(apiIdempotencyKeys.key, key)));
    if (stored) {
      if (stored.requestHash !== requestHash) {
        throw new AppError("UNPROCESSABLE", "This Idempotency-Key was already used for a different request; use a new key.");
      }
      return { status: stored.status, body: stored.response, replayed: true };
    }
    const answer = await create(tx);
    await tx.insert(apiIdempotencyKeys).values({
      userId: ref.userId,
      endpoint: ref.endpoint,
      key,
      requestHash,
      status: answer.status,
      response: answer.body as object,
    });
    return { ...answer, replayed: false };
  });
}
