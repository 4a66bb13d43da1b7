import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import { completedRun } from "../../test/dashboards";
import { grant, makeInstance, makeReport, makeUser } from "../../test/factories";
import { rejection } from "../../test/rejection";
import { auditLog, instanceBrandMappings } from "../../db/schema";
import { listBrandMappings } from "../../db/queries/instances";
import { SANDBOX_CAMPAIGNS } from "../amc/sandbox/entities";
import { AppError } from "../errors";
import type { ParamDef } from "../params/definitions";
import { setInstanceActive } from "./activation";
import { isSkippedCampaign } from "./known-kinds";
import { pastResultValues } from "./known-values";
import { createBrandMapping, deleteBrandMapping, updateBrandMapping } from "./mappings";
import { prefillTargets, prefillValues } from "./prefill";
import { mappingsForPrefill, suggestKnownValues } from "./suggestions";

const NOW = new Date("2026-10-01T12:00:00Z");
const ASIN_A = "B08N5WRWNW";
const ASIN_B = "B07XJ8C8F5";

const code = async (p: Promise<unknown>) => {
  const e = await rejection(p);
  return e instanceof AppError ? e.code : String(e);
};

describe("instance brand mappings, known values and pickers", async () => {
  const { db } = await freshDatabase();
  const admin = { ...(await makeUser(db, { role: "admin" })), role: "admin" as const };
  const memberRow = await makeUser(db, { role: "member" });
  const member = { ...memberRow, role: "member" as const };
  const strangerRow = await makeUser(db, { role: "member" });
  const stranger = { ...strangerRow, role: "member" as const };
  const sandbox = await makeInstance(db, { instanceId: "amcsandboxt1" });
  const live = await makeInstance(db, { instanceId: "amclive0001", instanceType: "STANDARD" });
  await grant(db, memberRow.id, live.id);

  /** A completed run on `instanceUuid` whose stored result (through the real ingest) has `columns` and `rows`. */
  async function storedResult(instanceUuid: string, columns: string[], rows: (string | null)[][]) {
    const report = await makeReport(db, { instanceId: instanceUuid });
    await completedRun(db, report.id, { start: "2026-09-01T00:00:00Z", end: "2026-09-08T00:00:00Z" }, columns, rows, { instanceId: instanceUuid });
  }

  describe("mappings", () => {
    it("adds a brand with its lists normalised, audited with counts only", async () => {
      const row = await createBrandMapping(
        db,
        member,
        { instanceId: "amclive0001", brand: "  Copperleaf  ", asins: `${ASIN_A.toLowerCase()}, ${ASIN_A}\n${ASIN_B}`, campaignIds: "111\n222,111" },
        NOW,
      );
      expect(row).toMatchObject({ brand: "Copperleaf", asins: [ASIN_A, ASIN_B], campaignIds: ["111", "222"] });
      const [entry] = await db.select().from(auditLog).where(eq(auditLog.action, "brand_mapping.create"));
      expect(entry).toMatchObject({ targetType: "amc_instance", targetId: "amclive0001", instanceId: live.id, actorEmail: member.email });
      expect(entry?.details).toEqual({ brand: "Copperleaf", asinCount: 2, campaignCount: 2 });
    });

    it("refuses a second mapping of the same brand (any casing), bad ASINs, skipped campaigns and empty lists", async () => {
      const dup = await rejection(createBrandMapping(db, member, { instanceId: "amclive0001", brand: "COPPERLEAF", asins: ASIN_A }, NOW));
      expect(dup).toMatchObject({ code: "VALIDATION_ERROR", fieldErrors: { brand: [expect.stringContaining("already mapped")] } });

      const bad = await rejection(createBrandMapping(db, member, { instanceId: "amclive0001", brand: "X", asins: "B0SHORT" }, NOW));
      expect(bad).toMatchObject({ code: "VALIDATION_ERROR", fieldErrors: { "asins.0": [expect.stringContaining("10 letters")] } });

      const promo = await rejection(
        createBrandMapping(db, member, { instanceId: "amclive0001", brand: "X", campaignIds: "123, promo-spring, Coupon-1" }, NOW),
      );
      expect(promo).toMatchObject({ fieldErrors: { "campaignIds.1": [expect.stringContaining("not ad campaigns")], "campaignIds.2": [expect.anything()] } });

      const empty = await rejection(createBrandMapping(db, member, { instanceId: "amclive0001", brand: "X", asins: " , \n" }, NOW));
      expect(empty).toMatchObject({ fieldErrors: { asins: ["Add ASINs or campaigns (or both) for the brand."] } });
      expect(await listBrandMappings(db, live.id)).toHaveLength(1);
    });

    it("edits and deletes only a mapping of the named instance; a foreign instance is not found", async () => {
      const [m] = await listBrandMappings(db, live.id);
      const edited = await updateBrandMapping(db, member, { instanceId: "amclive0001", mappingId: m!.id, brand: "Copperleaf Kitchen", asins: ASIN_B }, NOW);
      expect(edited).toMatchObject({ brand: "Copperleaf Kitchen", asins: [ASIN_B], campaignIds: [] });

      // The mapping's id under another instance (which the admin can see): not found, nothing changed.
      expect(await code(deleteBrandMapping(db, admin, { instanceId: "amcsandboxt1", mappingId: m!.id }, NOW))).toBe("NOT_FOUND");
      // A member not granted the instance: not found, as if it did not exist.
      expect(await code(createBrandMapping(db, stranger, { instanceId: "amclive0001", brand: "Y", asins: ASIN_A }, NOW))).toBe("NOT_FOUND");
      expect(await code(deleteBrandMapping(db, stranger, { instanceId: "amclive0001", mappingId: m!.id }, NOW))).toBe("NOT_FOUND");
      expect(await code(updateBrandMapping(db, member, { instanceId: "no such!", mappingId: m!.id, brand: "Z", asins: ASIN_A }, NOW))).toBe("VALIDATION_ERROR");

      await deleteBrandMapping(db, member, { instanceId: "amclive0001", mappingId: m!.id }, NOW);
      expect(await db.select().from(instanceBrandMappings)).toHaveLength(0);
      const actions = (await db.select({ action: auditLog.action }).from(auditLog)).map((r) => r.action);
      expect(actions).toEqual(expect.arrayContaining(["brand_mapping.update", "brand_mapping.delete"]));
    });
  });

  describe("activation", () => {
    it("lets admins deactivate and activate, audited once per change; members are refused", async () => {
      expect(await code(setInstanceActive(db, member, { instanceId: "amclive0001", active: false }, NOW))).toBe("FORBIDDEN");
      expect(await setInstanceActive(db, admin, { instanceId: "amclive0001", active: "false" }, NOW)).toEqual({ isActive: false });
      expect(await setInstanceActive(db, admin, { instanceId: "amclive0001", active: false }, NOW)).toEqual({ isActive: false });
      await setInstanceActive(db, admin, { instanceId: "amclive0001", active: true }, NOW);
      const actions = (await db.select({ action: auditLog.action }).from(auditLog)).map((r) => r.action).filter((a) => a.startsWith("instance."));
      expect(actions.sort()).toEqual(["instance.activate", "instance.deactivate"]);
    });
  });

  describe("skipped campaigns", () => {
    it("skips coupon-, promo- and socialmedia- ids in any casing, and nothing else", () => {
      expect(["coupon-1", "PROMO-spring", " socialmedia-x", "Promo-"].every(isSkippedCampaign)).toBe(true);
      expect(["123", "promo", "coupons-1", "my-promo-1", "social-media-1"].some(isSkippedCampaign)).toBe(false);
    });
  });

  describe("past results", () => {
    it("reads campaign and ASIN columns by name from the instance's completed runs, most seen first, skipped ids left out", async () => {
      await storedResult(live.id, ["day", "campaign", "campaign_id_string", "spend"], [
        ["2026-09-01", "Spring Sale", "555", "1"],
        ["2026-09-02", "Spring Sale", "555", "2"],
        ["2026-09-01", "Coupons", "coupon-9", "1"],
        ["2026-09-01", "Promo", "PROMO-1", "1"],
        ["2026-09-01", "Always on", "777", "3"],
      ]);
      await storedResult(live.id, ["tracked_asin", "sales"], [[ASIN_A.toLowerCase(), "5"], [null, "1"]]);
      // Another instance's results are not this one's.
      await storedResult(sandbox.id, ["campaign_id_string"], [["999"]]);

      expect(await pastResultValues(db, live.id, "campaign", { limit: 10 })).toEqual([
        { value: "555", label: "Spring Sale", seen: 2 },
        { value: "777", label: "Always on", seen: 1 },
      ]);
      expect(await pastResultValues(db, live.id, "campaign", { search: "always", limit: 10 })).toEqual([{ value: "777", label: "Always on", seen: 1 }]);
      expect(await pastResultValues(db, live.id, "campaign", { limit: 1 })).toHaveLength(1);
      expect(await pastResultValues(db, live.id, "asin", { limit: 10 })).toEqual([{ value: ASIN_A.toLowerCase(), label: null, seen: 1 }]);
    });
  });

  describe("suggestions", () => {
    it("merges mappings, results and (on the sandbox) its entities, searched and bounded", async () => {
      await createBrandMapping(db, member, { instanceId: "amclive0001", brand: "Acme", asins: ASIN_B, campaignIds: "555, 888" }, NOW);
      const all = await suggestKnownValues(db, member, { instanceId: "amclive0001", kind: "campaign" });
      expect(all.items).toEqual([
        { value: "555", label: "Acme", source: "mapping" },
        { value: "888", label: "Acme", source: "mapping" },
        { value: "777", label: "Always on", source: "results" },
      ]);
      expect(all.truncated).toBe(false);
      const asins = await suggestKnownValues(db, member, { instanceId: "amclive0001", kind: "asin" });
      expect(asins.items.map((s) => s.value)).toEqual([ASIN_B, ASIN_A]);

      const sandboxCampaigns = await suggestKnownValues(db, admin, { instanceId: "amcsandboxt1", kind: "campaign", limit: 200 });
      expect(sandboxCampaigns.items.filter((s) => s.source === "sandbox")).toHaveLength(SANDBOX_CAMPAIGNS.length);
      const searched = await suggestKnownValues(db, admin, { instanceId: "amcsandboxt1", kind: "campaign", search: "knives" });
      expect(searched.items.length).toBeGreaterThan(0);
      expect(searched.items.every((s) => /knives/i.test(s.label ?? ""))).toBe(true);
      const cut = await suggestKnownValues(db, admin, { instanceId: "amcsandboxt1", kind: "campaign", limit: 5 });
      expect(cut).toMatchObject({ truncated: true });
      expect(cut.items).toHaveLength(5);
    });

    it("answers NOT_FOUND for an instance the caller may not see, or that does not exist", async () => {
      expect(await code(suggestKnownValues(db, stranger, { instanceId: "amclive0001", kind: "campaign" }))).toBe("NOT_FOUND");
      expect(await code(suggestKnownValues(db, member, { instanceId: "amcsandboxt1", kind: "asin" }))).toBe("NOT_FOUND");
      expect(await code(suggestKnownValues(db, admin, { instanceId: "amcnothere", kind: "asin" }))).toBe("NOT_FOUND");
      expect(await code(mappingsForPrefill(db, stranger, { instanceId: "amclive0001" }))).toBe("NOT_FOUND");
      expect(await mappingsForPrefill(db, member, { instanceId: "amclive0001" })).toEqual([{ brand: "Acme", asins: [ASIN_B], campaignIds: ["555", "888"] }]);
    });
  });

  describe("pre-fill", () => {
    const def = (name: string, type: ParamDef["type"]): ParamDef => ({ name, label: name, type, required: true, defaultValue: null, rules: {} });

    it("fills the template's one ASIN and one campaign list, or the ones named so when there are several", () => {
      const mapping = { brand: "Acme", asins: [ASIN_A, ASIN_B], campaignIds: ["1", "socialmedia-2", "3"] };
      expect(prefillValues([def("asin_list", "asin_list"), def("campaign_list", "campaign_list"), def("n", "number")], mapping)).toEqual({
        asin_list: `${ASIN_A}\n${ASIN_B}`,
        campaign_list: "1\n3",
      });
      expect(prefillValues([def("focus_campaign_list", "campaign_list"), def("base_campaign_list", "campaign_list")], mapping)).toEqual({});
      expect(prefillTargets([def("campaigns", "campaign_list")]).campaign?.name).toBe("campaigns");
      expect(prefillValues([def("campaign_list", "campaign_list")], { ...mapping, campaignIds: [] })).toEqual({});
    });
  });
});
