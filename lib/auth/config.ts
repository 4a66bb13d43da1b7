import NextAuth, { CredentialsSignin, type DefaultSession } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "../../db/client";
import { users } from "../../db/schema";
import { dummyPasswordHash, verifyPassword } from "./password";
import { checkSignInThrottle, recordSignInAttempt } from "./throttle";

declare module "next-auth" {
  interface Session {
    user: { id: string } & DefaultSession["user"];
  }
}

export class InvalidCredentials extends CredentialsSignin {
  code = "invalid_credentials";
}
export class TooManyAttempts extends CredentialsSignin {
  code = "too_many_attempts";
}

export const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email("Enter a valid email address.")),
  password: z.string().min(1, "Enter your password.").max(1024),
});

function clientIp(request: Request | undefined): string | null {
  const fwd = request?.headers.get("x-forwarded-for");
  return fwd ? (fwd.split(",")[0]?.trim() ?? null) : null;
}

export const { handlers, auth, signIn, signOut } = NextAuth({
  // JWT sessions signed with AUTH_SECRET: they survive restarts and need no shared state between
  // servers. The user's role and access are re-read from the database on every request.
  session: { strategy: "jwt", maxAge: 7 * 24 * 3600 },
  trustHost: true,
  pages: { signIn: "/signin" },
  logger: {
    // A wrong password is an expected outcome, not a server error: log one structured line
    // (no email, no password) instead of a stack trace per attempt.
    error(error) {
      if (error instanceof CredentialsSignin || error.name === "CredentialsSignin") {
        console.warn(JSON.stringify({ level: "warn", msg: "sign-in refused", code: "code" in error ? String(error.code) : undefined }));
        return;
      }
      console.error(JSON.stringify({ level: "error", msg: "auth error", name: error.name, error: error.message }));
    },
  },
  providers: [
    Credentials({
      credentials: { email: {}, password: {} },
      async authorize(raw, request) {
        const parsed = credentialsSchema.safeParse(raw);
        if (!parsed.success) throw new InvalidCredentials();
        const { email, password } = parsed.data;
        const db = getDb();
        const now = new Date();
        const ip = clientIp(request);
        const verdict = await checkSignInThrottle(db, email, ip, now);
        if (!verdict.allowed) {
          const e = new TooManyAttempts();
          e.code = `too_many_attempts:${Math.ceil(verdict.retryAfterMs / 60_000)}`;
          throw e;
        }
        const [user] = await db.select().from(users).where(eq(users.email, email)).limit(1);
        const ok = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), password);
        await recordSignInAttempt(db, email, ip, Boolean(user && ok), now);
        if (!user || !ok) throw new InvalidCredentials();
        return { id: user.id, email: user.email, name: user.name };
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user?.id) token.sub = user.id;
      return token;
    },
    session({ session, token }) {
      if (token.sub) session.user.id = token.sub;
      return session;
    },
  },
});
