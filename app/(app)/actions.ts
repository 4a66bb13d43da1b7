"use server";

import { signOut } from "@/lib/auth/config";

// Ends this session for good (its id is recorded by next-auth's signOut event, lib/auth/config.ts),
// so a copy of the cookie stops working too; the user's other devices stay signed in.
export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: "/signin" });
}
