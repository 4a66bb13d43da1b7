import type { Gen, Stream } from "../gen";

// One traffic event is the k-th event of a (user, campaign) pair of _p: its draws are keyed so.
const PAIR = "p.pkey";
const NTH = "k";

/** A uniform draw for the traffic event from the stream. */
export function trafficDraw(g: Gen, stream: Stream): string {
  return g.u(stream, PAIR, NTH);
}

/** `draw AS alias` columns: one uniform per traffic event from each stream. */
export function trafficUniforms(g: Gen, draws: [stream: Stream, alias: string][]): string[] {
  return draws.map(([stream, alias]) => `${trafficDraw(g, stream)} AS ${alias}`);
}

/**
 * The events of one channel, one row per (pair, k): pair and campaign keys, the line item,
 * the local time `lt`, then the caller's columns (draws the statement uses).
 */
export function trafficEventsSql(g: Gen, channel: "DSP" | "sponsored ads", columns: string[]): string {
  return `SELECT p.pkey, p.uidx, p.ckey, k, c.kind, c.tz,
          1 + floor(${trafficDraw(g, "li")} * c.n_li)::int AS li,
          ${columns.join(",\n          ")}
        FROM _p p JOIN _c c ON c.ckey = p.ckey CROSS JOIN LATERAL generate_series(1, p.n) k
        WHERE p.channel ${channel === "DSP" ? "=" : "<>"} 'DSP'
        OFFSET 0`;
}

/** The traffic event's local time: a weighted day and hour, a uniform second. */
export function trafficLocalTs(g: Gen): string {
  return g.drawnLocalTs("traffic", ["day", "hour", "sec"], PAIR, NTH);
}
