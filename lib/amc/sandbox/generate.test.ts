import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Database } from "../../../db/client";
import { freshDatabase } from "../../../test/db";
import { SANDBOX_DATA_TABLES } from "./data/tables";
import { SANDBOX_CAMPAIGNS } from "./entities";
import { SANDBOX_GENERATOR_VERSION, ensureSandboxData, generateSandboxData } from "./generate";

const [a, b, c, d] = [await freshDatabase(), await freshDatabase(), await freshDatabase(), await freshDatabase()];

async function checksums(db: Database): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const t of SANDBOX_DATA_TABLES) {
    // Order by each row's own hash: independent of physical order and collation.
    const [row] = await db.execute<{ h: string }>(
      sql.raw(`SELECT md5(string_agg(md5(t::text), '' ORDER BY md5(t::text))) AS h FROM amc_sandbox.${t} t`),
    );
    out[t] = row?.h ?? "";
  }
  return out;
}

async function count(db: Database, query: string): Promise<number> {
  const [row] = await db.execute<{ n: number }>(sql.raw(query));
  return Number(row?.n ?? 0);
}

describe("sandbox data generator", () => {
  it("generates the test size in a few seconds with plausible volumes", async () => {
    const t0 = performance.now();
    const r = await ensureSandboxData(a.db, { size: "test" });
    const ms = performance.now() - t0;
    expect(r.generated).toBe(true);
    expect(r.generatorVersion).toBe(SANDBOX_GENERATOR_VERSION);
    expect(ms).toBeLessThan(20_000);
    const n = r.rowCounts;
    // 2,000 users × (30 + 14) days; see the report for the default size.
    expect(n.dsp_impressions).toBeGreaterThan(5_000);
    expect(n.dsp_impressions).toBeLessThan(30_000);
    expect(n.dsp_views).toBeGreaterThan(n.dsp_impressions as number);
    expect(n.dsp_clicks).toBeGreaterThan(0);
    expect(n.sponsored_ads_traffic).toBeGreaterThan(4_000);
    expect(n.amazon_attributed_events).toBeGreaterThan(100);
    expect(n.conversions).toBeGreaterThan(100);
    expect(n.conversions_all).toBeGreaterThanOrEqual(n.conversions as number);
    for (const t of SANDBOX_DATA_TABLES) {
      expect(await count(a.db, `SELECT count(*)::int AS n FROM amc_sandbox.${t}`)).toBe(n[t]);
    }
  });

  it("models what templates rely on", async () => {
    // Funnel: clicks repeat their impression; SP clicks carry spend, SP impressions none.
    expect(await count(a.db, `SELECT count(*)::int AS n FROM amc_sandbox.dsp_clicks k
      LEFT JOIN amc_sandbox.dsp_impressions i ON i.request_tag = k.request_tag WHERE i.request_tag IS NULL`)).toBe(0);
    expect(await count(a.db, `SELECT count(*)::int AS n FROM amc_sandbox.sponsored_ads_traffic
      WHERE ad_product_type = 'sponsored_products' AND impressions = 1 AND spend > 0`)).toBe(0);
    // Attributed rows point at real traffic and come after it, within 14 days.
    expect(await count(a.db, `SELECT count(*)::int AS n FROM amc_sandbox.amazon_attributed_events
      WHERE NOT (traffic_event_dt_utc < conversion_event_dt_utc AND conversion_event_dt_utc - traffic_event_dt_utc <= INTERVAL '14 days')`)).toBe(0);
    expect(await count(a.db, `SELECT count(*)::int AS n FROM amc_sandbox.amazon_attributed_events e
      WHERE ad_product_type IS NOT NULL AND NOT EXISTS (SELECT 1 FROM amc_sandbox.sponsored_ads_traffic s WHERE s.event_id = e.traffic_event_id)`)).toBe(0);
    // Every metric family adds up: total = promoted + halo.
    expect(await count(a.db, `SELECT count(*)::int AS n FROM amc_sandbox.amazon_attributed_events
      WHERE total_purchases <> purchases + brand_halo_purchases OR total_product_sales <> product_sales + brand_halo_product_sales
         OR purchases <> purchases_clicks + purchases_views`)).toBe(0);
    // Local and UTC columns agree with the advertiser's zone.
    expect(await count(a.db, `SELECT count(*)::int AS n FROM amc_sandbox.dsp_impressions
      WHERE (impression_dt AT TIME ZONE advertiser_timezone) AT TIME ZONE 'UTC' <> impression_dt_utc`)).toBe(0);
    // ~4% non-addressable traffic.
    const nulls = await count(a.db, `SELECT (100 * avg((user_id IS NULL)::int))::int AS n FROM amc_sandbox.dsp_impressions`);
    expect(nulls).toBeGreaterThanOrEqual(2);
    expect(nulls).toBeLessThanOrEqual(6);
    // The exported campaigns are the data's campaigns.
    const ids = await a.db.execute<{ id: string }>(sql`
      SELECT DISTINCT campaign_id_string AS id FROM amc_sandbox.dsp_impressions
      UNION SELECT DISTINCT campaign_id_string FROM amc_sandbox.sponsored_ads_traffic`);
    expect(new Set(ids.map((r) => r.id))).toEqual(new Set(SANDBOX_CAMPAIGNS.map((x) => x.campaignIdString)));
  });

  it("is deterministic: the same seed gives identical rows, another seed different ones", async () => {
    await ensureSandboxData(b.db, { size: "test" });
    await ensureSandboxData(c.db, { size: "test", seed: 7 });
    const [ha, hb, hc] = [await checksums(a.db), await checksums(b.db), await checksums(c.db)];
    expect(hb).toEqual(ha);
    for (const t of SANDBOX_DATA_TABLES) expect(hc[t], t).not.toBe(ha[t]);
  });

  it("a second call is a no-op; concurrent first calls generate once", async () => {
    const again = await ensureSandboxData(a.db, { size: "test" });
    expect(again.generated).toBe(false);
    const size = { users: 300, days: 10 };
    const results = await Promise.all([
      ensureSandboxData(d.db, { size, anchor: "2025-06-01" }),
      ensureSandboxData(d.db, { size, anchor: "2025-06-01" }),
    ]);
    expect(results.map((r) => r.generated).sort()).toEqual([false, true]);
  });

  it("ends traffic at the injected anchor and conversions 14 days later", async () => {
    const [row] = await d.db.execute<{ first: string; last: string; conv: string }>(sql`
      SELECT min(impression_date)::text AS first, max(impression_date)::text AS last,
             (SELECT max(event_date_utc)::text FROM amc_sandbox.conversions_all) AS conv
      FROM amc_sandbox.dsp_impressions`);
    // 10 days + 14 days of warm-up before 2025-06-01.
    expect(row?.first).toBe("2025-05-08");
    expect(row?.last).toBe("2025-05-31");
    expect(row && row.conv <= "2025-06-15").toBe(true);
  });

  it("regenerates when the options or the generator version change", async () => {
    const size = { users: 300, days: 10 };
    const other = await ensureSandboxData(d.db, { size, anchor: "2025-06-01", seed: 99 });
    expect(other.generated).toBe(true);
    await d.db.execute(sql`UPDATE amc_sandbox.generation_meta SET generator_version = 0`);
    const reuse = await ensureSandboxData(d.db, { size, seed: 5, reuseExisting: true });
    expect(reuse.generated).toBe(true);
    expect(reuse.seed).toBe(5);
    // Same version now: any data is reused whatever the options.
    expect((await ensureSandboxData(d.db, { size: "test", reuseExisting: true })).generated).toBe(false);
  });

  it("generateSandboxData always regenerates", async () => {
    const r = await generateSandboxData(b.db, { size: "test" });
    expect(r.rowCounts).toEqual((await ensureSandboxData(a.db, { size: "test" })).rowCounts);
  });
});
