/**
 * mulberry32: a small deterministic PRNG (uniform in [0, 1)) for data that must come out the
 * same on every run from the same seed: the sandbox's entities, the demo results, property tests.
 * Not for anything secret (ids and tokens use node:crypto).
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
