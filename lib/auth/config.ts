import { randomUUID } from "node:crypto";
import NextAuth, { CredentialsSignin, type DefaultSession } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { cookies } from "next/headers";
import { z } from "zod";
import { getDb } from "../../db/client";
import { clientAddress } from "./client-address";
import { cookieValue, DEVICE_COOKIE, DEVICE_COOKIE_MAX_AGE_S } from "./device";
import { endSession, liveSessionUser, SESSION_MAX_AGE_S, sessionClaims } from "./sessions";
import { authenticate } from "./sign-in";

declare module "next-auth" {
  interface Session {
    user: { id: string } & DefaultSession["user"];
  }
  interface User {
    sessionVersion?: number;
  }
}

declare module "@auth/core/jwt" {
  interface JWT {
    /** The user's session version when this session began. */
    sv?: number;
    /** This session's own id, remembered when it signs out. */
    sid?: string;
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

export const { handlers, auth, signIn, signOut } = NextAuth({
  // JWT sessions signed with AUTH_SECRET: they survive restarts and need no shared state between
  // servers. Each request still checks them against the user row (see the jwt callback), which
  // is what lets a session end before its JWT expires.
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S },
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
        const outcome = await authenticate(getDb(), {
          ...parsed.data,
          address: clientAddress(request.headers),
          deviceToken: cookieValue(request.headers.get("cookie"), DEVICE_COOKIE),
          secret: process.env.AUTH_SECRET,
          now: new Date(),
        });
        if (outcome.kind === "throttled") {
          const e = new TooManyAttempts();
          // The sign-in action turns this into "Try again in N minutes".
          e.code = `too_many_attempts:${outcome.retryAfterMs}`;
          throw e;
        }
        if (outcome.kind === "invalid") throw new InvalidCredentials();
        if (outcome.deviceToken) {
          (await cookies()).set(DEVICE_COOKIE, outcome.deviceToken, {
            httpOnly: true,
            sameSite: "lax",
            path: "/",
            secure: new URL(request.url).protocol === "https:",
            maxAge: DEVICE_COOKIE_MAX_AGE_S,
          });
        }
        const { id, email, name, sessionVersion } = outcome.user;
        return { id, email, name, sessionVersion };
      },
    }),
  ],
  callbacks: {
    // Runs when a session begins (with `user`) and on every read of it (auth(), /api/auth/session).
    // Returning null ends the session: next-auth answers `null` and clears the cookie.
    async jwt({ token, user }) {
      if (user?.id) {
        token.sub = user.id;
        token.sv = user.sessionVersion ?? 0;
        token.sid = randomUUID();
        return token;
      }
      const claims = sessionClaims(token);
      if (!claims) return null;
      return (await liveSessionUser(getDb(), claims)) ? token : null;
    },
    session({ session, token }) {
      if (token.sub) session.user.id = token.sub;
      return session;
    },
  },
  events: {
    // Every way of signing out (the app's button, a POST to /api/auth/signout) ends this session
    // for good, copies of its cookie included.
    async signOut(message) {
      const sid = "token" in message ? message.token?.sid : undefined;
      if (typeof sid === "string" && sid) await endSession(getDb(), sid, new Date());
    },
  },
});
