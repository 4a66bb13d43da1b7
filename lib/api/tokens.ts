import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../db/client";
import type { SessionUser } from "../../db/queries/access";
import { API_TOKEN_SCOPES, apiTokens, users, type ApiTokenScope } from "../../db/schema";
import { recordAudit } from "../audit/record";
import { AppError, notFound } from "../errors";

/**
 * Personal API tokens (API v1). A token is `amc_` + 32 random bytes (base64url): enough entropy
 * that a plain SHA-256 is the right stored form (no salt or slow hash needed: nothing to guess).
 * The token is returned once, at creation; only its hash is kept. A token acts as its user,
 * looked up fresh on every request, so a role change, a lost grant, a revocation or an expiry
 * takes effect on the next request.
 */

export const TOKEN_PREFIX = "amc_";
/** What an Authorization header may hold before we bother hashing it. */
const TOKEN_SHAPE = /^amc_[A-Za-z0-9_-]{43}$/;
/** last_used_at is written at most this often per token: one UPDATE per minute, not per request. */
const LAST_USED_GRANULARITY_MS = 60_000;

export const hashToken = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");

export const createTokenSchema = z.strictObject({
  name: z.string().trim().min(1, "Give the token a name.").max(100, "At most 100 characters."),
  scope: z.enum(API_TOKEN_SCOPES, { error: "Choose read or write." }).default("read"),
  /** ISO 8601 instant or date; absent or null = never expires. */
  expiresAt: z.iso.datetime({ offset: true, error: "Use an ISO 8601 time, e.g. 2026-12-31T00:00:00Z." }).nullish(),
});
export type CreateTokenInput = z.input<typeof createTokenSchema>;

export interface TokenView {
  id: string;
  name: string;
  scope: ApiTokenScope;
  createdAt: Date | null;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  userId: string;
  userEmail: string;
}

export async function createApiToken(
  db: Database,
  user: Pick<SessionUser, "id">,
  input: z.output<typeof createTokenSchema>,
  now: Date,
): Promise<{ token: string; view: TokenView }> {
  const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
  if (expiresAt && expiresAt.getTime() <= now.getTime()) {
    throw new AppError("VALIDATION_ERROR", "The expiry must be in the future.", { expiresAt: ["Pick a time in the future."] });
  }
  const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  const [row] = await db
    .insert(apiTokens)
    .values({ userId: user.id, name: input.name, tokenHash: hashToken(token), scope: input.scope, expiresAt, createdAt: now })
    .returning({ id: apiTokens.id });
  const [view] = await tokenViews(db, eq(apiTokens.id, row!.id));
  // The token's id and name, never the token or its hash (lib/audit/record.ts drops those keys).
  await recordAudit(db, {
    actor: { id: user.id, email: view!.userEmail },
    action: "token.create",
    targetType: "api_token",
    targetId: row!.id,
    details: { tokenName: input.name, scope: input.scope, expiresAt: expiresAt?.toISOString() ?? null },
    now,
  });
  return { token, view: view! };
}

function tokenViews(db: Database, where: ReturnType<typeof eq> | undefined) {
  return db
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      scope: apiTokens.scope,
      createdAt: apiTokens.createdAt,
      expiresAt: apiTokens.expiresAt,
      lastUsedAt: apiTokens.lastUsedAt,
      revokedAt: apiTokens.revokedAt,
      userId: apiTokens.userId,
      userEmail: users.email,
    })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(where)
    .orderBy(desc(apiTokens.createdAt), desc(apiTokens.id))
    .limit(500);
}

/** A user's tokens; an admin's list holds everyone's (they may revoke any). */
export async function listApiTokens(db: Database, user: SessionUser): Promise<TokenView[]> {
  return tokenViews(db, user.role === "admin" ? undefined : eq(apiTokens.userId, user.id));
}

/** Revoke: one's own token, or anyone's for an admin; 404 for another's (its existence is not told). */
export async function revokeApiToken(db: Database, user: SessionUser, tokenId: string, now: Date): Promise<void> {
  if (!z.uuid().safeParse(tokenId).success) throw notFound("Token");
  const own = user.role === "admin" ? undefined : eq(apiTokens.userId, user.id);
  const [row] = await db
    .select({ id: apiTokens.id, name: apiTokens.name, revokedAt: apiTokens.revokedAt })
    .from(apiTokens)
    .where(and(eq(apiTokens.id, tokenId), own));
  if (!row) throw notFound("Token");
  // Revoking twice keeps the first time.
  await db
    .update(apiTokens)
    .set({ revokedAt: sql`coalesce(${apiTokens.revokedAt}, ${now.toISOString()}::timestamptz)` })
    .where(eq(apiTokens.id, tokenId));
  if (!row.revokedAt) {
    await recordAudit(db, { actor: user, action: "token.revoke", targetType: "api_token", targetId: row.id, details: { tokenName: row.name }, now });
  }
}

export interface TokenCaller {
  user: SessionUser;
  scope: ApiTokenScope;
  tokenId: string;
}

/**
 * The caller behind `Authorization: Bearer <token>`, or null for a missing, malformed, unknown,
 * revoked or expired token (all one 401: which of them it was is not told).
 */
export async function authenticateToken(db: Database, authorization: string | null, now: Date): Promise<TokenCaller | null> {
  const match = /^Bearer +(\S+)\s*$/i.exec(authorization ?? "");
  const token = match?.[1];
  if (!token || !TOKEN_SHAPE.test(token)) return null;
  const [row] = await db
    .select({
      tokenId: apiTokens.id,
      scope: apiTokens.scope,
      expiresAt: apiTokens.expiresAt,
      revokedAt: apiTokens.revokedAt,
      lastUsedAt: apiTokens.lastUsedAt,
      user: { id: users.id, email: users.email, name: users.name, role: users.role },
    })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(eq(apiTokens.tokenHash, hashToken(token)));
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt.getTime() <= now.getTime())) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_GRANULARITY_MS) {
    await db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.tokenId));
  }
  return { user: row.user, scope: row.scope, tokenId: row.tokenId };
}

/** For `npm run api-token`: a token for the user with this email. */
export async function createApiTokenForEmail(db: Database, email: string, input: z.output<typeof createTokenSchema>, now: Date) {
  const [user] = await db.select({ id: users.id }).from(users).where(eq(users.email, email.trim().toLowerCase()));
  if (!user) throw notFound(`A user with the email ${email}`);
  return createApiToken(db, user, input, now);
}

/** Settings → API tokens posts an expiry in days, not an instant (no zone to get wrong). */
export const TOKEN_EXPIRY_CHOICES = ["never", "7", "30", "90", "365"] as const;
export const tokenFormSchema = z.strictObject({
  name: createTokenSchema.shape.name,
  scope: z.enum(API_TOKEN_SCOPES, { error: "Choose read or write." }),
  expires: z.enum(TOKEN_EXPIRY_CHOICES, { error: "Choose when it expires." }),
});

export function expiryFromForm(expires: (typeof TOKEN_EXPIRY_CHOICES)[number], now: Date): string | null {
  return expires === "never" ? null : new Date(now.getTime() + Number(expires) * 86_400_000).toISOString();
}

export const revokeTokenSchema = z.strictObject({ tokenId: z.uuid("Not a token id.") });
