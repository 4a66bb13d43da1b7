/** Awaits `p`, expecting it to fail, and returns PostgreSQL's SQLSTATE and constraint name. */
export async function pgError(p: PromiseLike<unknown>): Promise<{ code: string; constraint?: string }> {
  try {
    await p;
  } catch (e) {
    const cause = (e && typeof e === "object" && "cause" in e ? e.cause : e) as {
      code?: unknown;
      constraint_name?: unknown;
    };
    if (typeof cause?.code === "string") {
      return {
        code: cause.code,
        constraint: typeof cause.constraint_name === "string" ? cause.constraint_name : undefined,
      };
    }
    throw e;
  }
  throw new Error("expected the statement to fail, but it succeeded");
}
