import { SANDBOX_POSTAL_CODES, SANDBOX_SEGMENTS } from "../../entities";
import { POSTAL_Q, POSTAL_S, PRIMARY_DEVICES, TV_DEVICES } from "../behaviour";
import type { Gen } from "../gen";
import { bucket, powerRank } from "../sql";

/** _u: the synthetic users, with home location, devices, shopper segment and ad load. */
export function usersSql(g: Gen): string {
  const n = g.r.size.users;
  const segIds = SANDBOX_SEGMENTS.map((s) => s.id);
  const seg = (k: number) => `(ARRAY[${segIds.join(",")}]::bigint[])[1 + floor(${g.u("usegs", "i", String(k))} * ${segIds.length})::int]`;
  return `
    CREATE TEMP TABLE _u ON COMMIT DROP AS
    SELECT b.uidx,
      ${g.md5("u", "b.uidx")} AS user_id,
      (ARRAY['adUserId', 'sisDeviceId', 'adBrowserId'])[b.idt] AS user_id_type,
      ${g.md5("d", "b.uidx")} AS device_id,
      b.grank, d.device_type, d.os, d.os_version, d.browser, d.make, d.model,
      t.os AS tv_os, t.os_version AS tv_os_version, t.make AS tv_make, t.model AS tv_model,
      b.seg, b.aff_a, b.aff_b,
      -- §4.2 says 15% for non-loyalists; 35% lands NTB near §4.3's 15–30% of purchases.
      (b.seg = 1 AND b.aff_a) OR b.pa < 0.35 AS prior_a,
      (b.seg = 1 AND b.aff_b) OR b.pb < 0.35 AS prior_b,
      b.grank2,
      b.mult, b.dsp_ok, b.sa_ok, b.segs
    FROM (
      SELECT i AS uidx,
        ${bucket(g.u("uidtype", "i"), [80, 12, 8])} AS idt,
        ${powerRank(g.u("postal", "i"), SANDBOX_POSTAL_CODES.length, POSTAL_S, POSTAL_Q)} AS grank,
        -- A second location (work, travel) for the 5% of events away from home.
        ${powerRank(g.u("away2", "i"), SANDBOX_POSTAL_CODES.length, POSTAL_S, POSTAL_Q)} AS grank2,
        ${bucket(g.u("dev", "i"), PRIMARY_DEVICES.map((d) => d.weight))} AS dev,
        ${PRIMARY_DEVICES.length} + ${bucket(g.u("tvos", "i"), TV_DEVICES.map((d) => d.weight))} AS tv,
        ${bucket(g.u("seg", "i"), [10, 25, 65])} AS seg,
        ${g.u("affa", "i")} < 0.75 AS aff_a,
        ${g.u("affb", "i")} < 0.5 AS aff_b,
        ${g.u("priora", "i")} AS pa,
        ${g.u("priorb", "i")} AS pb,
        -- Heavy-tailed ad load with mean 1 (lognormal, sigma 0.8).
        exp(0.8 * amc_sandbox._gen_norm(${g.u("m1", "i")}, ${g.u("m2", "i")}) - 0.32) AS mult,
        ${g.u("dspok", "i")} < 0.72 AS dsp_ok,
        ${g.u("saok", "i")} < 0.55 AS sa_ok,
        ARRAY(SELECT DISTINCT x FROM unnest(ARRAY[${seg(1)}, ${seg(2)}, ${seg(3)}]) x ORDER BY 1) AS segs
      FROM generate_series(1, ${n}) i
    ) b
    JOIN _dev d ON d.didx = b.dev
    JOIN _dev t ON t.didx = b.tv`;
}

/** _p: per (user, campaign) in its audience, how many impressions it gets. */
export function pairsSql(g: Gen): string {
  const pkey = "(u.uidx::bigint * 64 + c.ckey)";
  return `
    CREATE TEMP TABLE _p ON COMMIT DROP AS
    SELECT * FROM (
      SELECT u.uidx, c.ckey, c.channel, ${pkey} AS pkey,
        amc_sandbox._gen_poisson(${g.u("pn", pkey)}, ${g.u("pn2", pkey)}, c.rate * ${g.T} * u.mult) AS n
      FROM _u u CROSS JOIN _c c
      WHERE (CASE WHEN c.channel = 'DSP' THEN u.dsp_ok
                  ELSE u.sa_ok AND (CASE c.brand WHEN 'A' THEN u.aff_a ELSE u.aff_b END) END)
        AND ${g.u("elig", "u.uidx", "c.ckey")} < c.share * (CASE WHEN c.kind IN ('remarketing', 'sd')
              -- Remarketing reaches brand shoppers who viewed products recently.
              THEN (CASE u.seg WHEN 1 THEN 2.2 WHEN 2 THEN 1.8 ELSE 0.35 END)
                   * (CASE WHEN (CASE c.brand WHEN 'A' THEN u.aff_a ELSE u.aff_b END) THEN 1 ELSE 0 END)
              ELSE 1 END)
    ) p WHERE n > 0`;
}

export function budgetsSql(): string {
  // Budgets ≈ planned spend × 1.3 (millicents), from the impressions about to be generated.
  return `
    UPDATE _c SET budget = b.budget
    FROM (SELECT p.ckey, round(sum(p.n) * (SELECT avg(cpm) FROM _li WHERE _li.ckey = p.ckey) * 100 * 1.3)::bigint AS budget
          FROM _p p WHERE p.channel = 'DSP' GROUP BY p.ckey) b
    WHERE b.ckey = _c.ckey`;
}
