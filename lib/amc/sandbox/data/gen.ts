import type { ResolvedOptions } from "./options";
import { addDays, bucket } from "./sql";

// Random streams: a draw's seed is (master seed, position here). Append only: inserting a name
// would move every stream after it and change the data (bump SANDBOX_GENERATOR_VERSION then).
const STREAMS = [
  "uidtype", "postal", "dev", "tvos", "seg", "affa", "affb", "priora", "priorb", "m1", "m2", "dspok", "saok",
  "usegs", "elig", "pn", "pn2", "li", "cr", "day", "hour", "sec", "away", "away2", "env", "sup", "slot",
  "page", "deal", "cost", "bid", "na", "no3p", "click", "clickdelay", "meas", "view", "unmeas", "viewdelay",
  "term", "match", "place", "asin", "sav", "video", "cpc", "vcost", "trig", "lag", "padsin", "phalo",
  "units", "store", "odays", "ohour", "osec", "on", "ndpv", "dpvlag", "atc", "atclag", "xn", "xn2",
  "xlag", "xasin", "autotgt", "olvtv", "cpc2",
] as const;
export type Stream = (typeof STREAMS)[number];

/** Relative weight of each local hour of the day (0–23) for traffic and purchases. */
const HOUR_WEIGHTS = [1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 3.5, 3.5, 3.5, 3.5, 5, 5, 5, 5, 5, 5, 5, 7, 7, 7, 7, 7, 7, 3];

/**
 * One generation's calendar and random draws, as SQL text: every draw is a hash of (seed,
 * stream, entity key), computed in PostgreSQL by the RANDOM_FUNCTIONS.
 */
export class Gen {
  readonly T: number; // traffic days incl. warm-up
  readonly C: number; // conversion days (traffic + 14)
  readonly start: string; // first traffic day (local)
  readonly promoFirst: number; // 1-based traffic day index of the promotion's first day

  constructor(readonly r: ResolvedOptions) {
    this.T = r.size.days + 14;
    this.C = this.T + 14;
    this.start = addDays(r.anchor, -this.T);
    this.promoFirst = 14 + Math.floor(r.size.days / 2);
  }

  seedOf(stream: Stream): string {
    return String(BigInt(this.r.seed) * 1_000_003n + BigInt(STREAMS.indexOf(stream) + 1));
  }

  /** Uniform [0, 1) from (stream, a, b). */
  u(stream: Stream, a: string, b = "0"): string {
    return `amc_sandbox._gen_u((${a})::bigint, (${b})::bigint, ${this.seedOf(stream)})`;
  }

  /** Uniform [0, 1) from a text key. */
  ut(stream: Stream, key: string): string {
    return `amc_sandbox._gen_ut(${key}, ${this.seedOf(stream)})`;
  }

  md5(tag: string, ...parts: string[]): string {
    return `md5('${tag}:${this.r.seed}:' || ${parts.map((p) => `(${p})::text`).join(` || ':' || `)})`;
  }

  dayWeights(kind: "traffic" | "conversion"): number[] {
    const n = kind === "traffic" ? this.T : this.C;
    const promo = kind === "traffic" ? 1.8 : 2.5;
    const out: number[] = [];
    for (let d = 1; d <= n; d++) {
      const dow = new Date(`${addDays(this.start, d - 1)}T00:00:00Z`).getUTCDay();
      let w = dow === 0 || dow === 6 ? 1.1 : 1;
      if (d >= this.promoFirst && d < this.promoFirst + 3) w *= promo;
      out.push(w);
    }
    return out;
  }

  /**
   * Local timestamp drawn for the key (a, b): a day by dayWeights(kind), an hour by HOUR_WEIGHTS
   * and a uniform second of the hour, each from its own stream.
   */
  drawnLocalTs(kind: "traffic" | "conversion", streams: [day: Stream, hour: Stream, sec: Stream], a: string, b: string): string {
    const [dayStream, hourStream, secStream] = streams;
    const day = bucket(this.u(dayStream, a, b), this.dayWeights(kind));
    const hour = `${bucket(this.u(hourStream, a, b), HOUR_WEIGHTS)} - 1`;
    const sec = `floor(${this.u(secStream, a, b)} * 3600)::int`;
    return `(TIMESTAMP '${this.start} 00:00:00' + (((${day}) - 1) * 86400 + (${hour}) * 3600 + (${sec})) * INTERVAL '1 second')`;
  }
}


/** The SQL functions behind Gen's draws (uniform by integer or text key, normal, Poisson). */
export const RANDOM_FUNCTIONS: readonly string[] = [
  // hashint8extended folds its input to 32 bits, so the second key is mixed into a first hash.
  `CREATE OR REPLACE FUNCTION amc_sandbox._gen_u(a bigint, b bigint, s bigint) RETURNS double precision
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
    $$ SELECT (hashint8extended(hashint8extended(a, s) # b, s) & 4503599627370495)::double precision / 4503599627370496.0 $$`,
  `CREATE OR REPLACE FUNCTION amc_sandbox._gen_ut(t text, s bigint) RETURNS double precision
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
    $$ SELECT (hashtextextended(t, s) & 4503599627370495)::double precision / 4503599627370496.0 $$`,
  `CREATE OR REPLACE FUNCTION amc_sandbox._gen_norm(u1 double precision, u2 double precision) RETURNS double precision
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
    $$ SELECT sqrt(-2 * ln(greatest(u1, 1e-12))) * cos(2 * pi() * u2) $$`,
  `CREATE OR REPLACE FUNCTION amc_sandbox._gen_poisson(u1 double precision, u2 double precision, lambda double precision) RETURNS integer
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
    DECLARE k integer := 0; p double precision; s double precision;
    BEGIN
      IF lambda <= 0 THEN RETURN 0; END IF;
      IF lambda > 40 THEN
        RETURN greatest(0, round(lambda + sqrt(lambda) * amc_sandbox._gen_norm(u1, u2)))::integer;
      END IF;
      p := exp(-lambda); s := p;
      WHILE u1 > s AND k < 200 LOOP k := k + 1; p := p * lambda / k; s := s + p; END LOOP;
      RETURN k;
    END $$`,
];
