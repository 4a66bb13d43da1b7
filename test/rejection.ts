import { AmcError } from "../lib/amc/gateway";

/** What `p` rejects with; fails the test if it resolves. */
export async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error("expected a rejection");
    },
    (e: unknown) => e,
  );
}

/** The AmcError `p` rejects with; fails the test if it resolves or rejects with anything else. */
export async function amcRejection(p: Promise<unknown>): Promise<AmcError> {
  const e = await rejection(p);
  if (!(e instanceof AmcError)) throw new Error(`expected an AmcError, got ${String(e)}`);
  return e;
}
