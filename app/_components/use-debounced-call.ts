"use client";

import { useCallback, useEffect, useEffectEvent, useRef } from "react";

/**
 * Calls `call(input)` `delayMs` after `input` last changed (nothing while it is null) and hands
 * the answer to `onAnswer`, unless a newer input or a claim came meanwhile: stale answers are
 * dropped. `input` must keep its identity while unchanged (memoize it).
 *
 * Returns `claim()`: for a call made outside the debounce (a button that wants a fresh answer),
 * it drops any answer in flight and tells whether the claimer's own answer is still the latest.
 */
export function useDebouncedCall<I, R>(
  input: I | null,
  call: (input: I) => Promise<R>,
  onAnswer: (answer: R) => void,
  { delayMs = 300, onStart }: { delayMs?: number; onStart?: () => void } = {},
): () => () => boolean {
  const seq = useRef(0);
  const started = useEffectEvent(() => onStart?.());
  const answered = useEffectEvent((answer: R) => onAnswer(answer));
  const send = useEffectEvent((i: I) => call(i));

  useEffect(() => {
    if (input === null) return;
    const mine = ++seq.current;
    const t = setTimeout(async () => {
      if (mine !== seq.current) return;
      started();
      const answer = await send(input);
      if (mine !== seq.current) return; // a newer call owns the answer now
      answered(answer);
    }, delayMs);
    return () => clearTimeout(t);
  }, [input, delayMs]);

  return useCallback(() => {
    const mine = ++seq.current;
    return () => mine === seq.current;
  }, []);
}
