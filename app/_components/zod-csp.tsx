"use client";

import { z } from "zod";

// zod compiles object parsers with `new Function` when it can, and probes for that on first use.
// Under our CSP (no 'unsafe-eval') the probe is refused and reported as a violation even though
// zod catches it; jitless mode skips the probe and the compiler. Set once, when the root layout's
// client chunk loads, before any form parses anything.
z.config({ jitless: true });

export function ZodCsp() {
  return null;
}
