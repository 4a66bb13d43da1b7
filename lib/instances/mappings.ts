import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../db/client";
import type { SessionUser } from "../../db/queries/access";
import type { BrandMappingRow } from "../../db/queries/instances";
import { instanceBrandMappings } from "../../db/schema";
import { recordAudit, type AuditAction, type AuditDetails } from "../audit/record";
import { AppError, notFound, parseInput, uniqueViolation } from "../errors";
import { ASIN } from "../params/definitions";
import { instanceForUserOrThrow, amcInstanceIdSchema } from "./guard";
import { isSkippedCampaign } from "./known-kinds";

/**
 * Brand mappings of an AMC instance: a brand's ASINs and campaigns, which the new-report wizard
 * pre-fills and the pickers suggest. Anyone who may see the instance may keep its mappings (they
 * describe the instance's data, not who may use it); every change is audited with the brand and
 * the counts, never the ids themselves (a brand's products and campaigns can be confidential).
 */

export const MAPPING_LIMITS = { brandLength: 100, asins: 1000, campaigns: 1000, campaignIdLength: 200 } as const;

/** A pasted list (comma or newline separated) or an array: trimmed, normalised, de-duplicated. */
function pastedList(normalize: (s: string) => string) {
  return z
    .union([z.array(z.string()), z.string()])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : v.split(/[,\n\r]+/)))
    .transform((items) => [...new Set(items.map((s) => normalize(s.trim())).filter((s) => s !== ""))]);
}

const asinsSchema = pastedList((s) => s.toUpperCase()).pipe(
  z
    .array(z.string().regex(ASIN, "An ASIN is 10 letters or digits, like B08N5WRWNW."))
    .max(MAPPING_LIMITS.asins, `At most ${MAPPING_LIMITS.asins} ASINs per brand.`),
);

const campaignsSchema = pastedList((s) => s).pipe(
  z
    .array(
      z
        .string()
        .max(MAPPING_LIMITS.campaignIdLength, `A campaign id has at most ${MAPPING_LIMITS.campaignIdLength} characters.`)
        .regex(/^[A-Za-z0-9_.:-]+$/, "Campaign ids contain letters, digits and - _ . : only.")
        .refine((id) => !isSkippedCampaign(id), "coupon-, promo- and socialmedia- ids are not ad campaigns; leave them out."),
    )
    .max(MAPPING_LIMITS.campaigns, `At most ${MAPPING_LIMITS.campaigns} campaigns per brand.`),
);

const brandFields = {
  brand: z.string().trim().min(1, "Name the brand.").max(MAPPING_LIMITS.brandLength, `Use at most ${MAPPING_LIMITS.brandLength} characters.`),
  asins: asinsSchema,
  campaignIds: campaignsSchema,
};

const withSomething = <T extends { asins: string[]; campaignIds: string[] }>(v: T, ctx: z.RefinementCtx) => {
  if (v.asins.length === 0 && v.campaignIds.length === 0) {
    ctx.addIssue({ code: "custom", path: ["asins"], message: "Add ASINs or campaigns (or both) for the brand." });
  }
};

export const createMappingSchema = z
  .strictObject({ instanceId: amcInstanceIdSchema, ...brandFields })
  .superRefine(withSomething);
export const updateMappingSchema = z
  .strictObject({ instanceId: amcInstanceIdSchema, mappingId: z.uuid("Choose a mapping."), ...brandFields })
  .superRefine(withSomething);
export const deleteMappingSchema = z.strictObject({ instanceId: amcInstanceIdSchema, mappingId: z.uuid("Choose a mapping.") });

export type CreateMappingInput = z.input<typeof createMappingSchema>;
export type UpdateMappingInput = z.input<typeof updateMappingSchema>;
export type DeleteMappingInput = z.input<typeof deleteMappingSchema>;

const returned = {
  id: instanceBrandMappings.id,
  brand: instanceBrandMappings.brand,
  asins: instanceBrandMappings.asins,
  campaignIds: instanceBrandMappings.campaignIds,
  updatedAt: instanceBrandMappings.updatedAt,
};

const takenBrand = (brand: string) =>
  new AppError("VALIDATION_ERROR", "This instance already has a mapping for that brand.", {
    brand: [`“${brand}” is already mapped on this instance; edit that mapping instead.`],
  });

/** Adds a brand's mapping to an instance the user may see. */
export async function createBrandMapping(db: Database, user: SessionUser, input: CreateMappingInput, now: Date): Promise<BrandMappingRow> {
  const data = parseInput(createMappingSchema, input);
  const instance = await instanceForUserOrThrow(db, user, data.instanceId);
  return saveMapping(db, user, instance, data, "brand_mapping.create", now, async (tx) => {
    const [row] = await tx
      .insert(instanceBrandMappings)
      .values({ instanceId: instance.id, brand: data.brand, asins: data.asins, campaignIds: data.campaignIds, createdBy: user.id, createdAt: now, updatedAt: now })
      .returning(returned);
    return row;
  });
}

/** Replaces a mapping's brand name and lists. A mapping of another instance is NOT_FOUND. */
export async function updateBrandMapping(db: Database, user: SessionUser, input: UpdateMappingInput, now: Date): Promise<BrandMappingRow> {
  const data = parseInput(updateMappingSchema, input);
  const instance = await instanceForUserOrThrow(db, user, data.instanceId);
  return saveMapping(db, user, instance, data, "brand_mapping.update", now, async (tx) => {
    const [row] = await tx
      .update(instanceBrandMappings)
      .set({ brand: data.brand, asins: data.asins, campaignIds: data.campaignIds, updatedAt: now })
      .where(and(eq(instanceBrandMappings.id, data.mappingId), eq(instanceBrandMappings.instanceId, instance.id)))
      .returning(returned);
    return row;
  });
}

/**
 * One mapping written (`write`; nothing written = NOT_FOUND) and its audit line, in one
 * transaction. A brand the instance already maps is the brand field's error: the unique index
 * decides, so two saves of the same brand at once cannot both win.
 */
async function saveMapping(
  db: Database,
  user: SessionUser,
  instance: MappingInstance,
  data: { brand: string; asins: string[]; campaignIds: string[] },
  action: "brand_mapping.create" | "brand_mapping.update",
  now: Date,
  write: (tx: Database) => Promise<BrandMappingRow | undefined>,
): Promise<BrandMappingRow> {
  try {
    return await db.transaction(async (tx) => {
      const row = await write(tx);
      if (!row) throw notFound("Brand mapping");
      await auditMapping(tx, user, instance, action, { brand: data.brand, asinCount: data.asins.length, campaignCount: data.campaignIds.length }, now);
      return row;
    });
  } catch (e) {
    if (uniqueViolation(e) === "uq_instance_brand_mappings_brand") throw takenBrand(data.brand);
    throw e;
  }
}

type MappingInstance = { id: string; instanceId: string };

/** A mapping change is audited on its instance. */
function auditMapping(tx: Database, user: SessionUser, instance: MappingInstance, action: AuditAction, details: AuditDetails, now: Date) {
  return recordAudit(tx, { actor: user, action, targetType: "amc_instance", targetId: instance.instanceId, instanceId: instance.id, details, now });
}

export async function deleteBrandMapping(db: Database, user: SessionUser, input: DeleteMappingInput, now: Date): Promise<{ brand: string }> {
  const data = parseInput(deleteMappingSchema, input);
  const instance = await instanceForUserOrThrow(db, user, data.instanceId);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .delete(instanceBrandMappings)
      .where(and(eq(instanceBrandMappings.id, data.mappingId), eq(instanceBrandMappings.instanceId, instance.id)))
      .returning({ brand: instanceBrandMappings.brand });
    if (!row) throw notFound("Brand mapping");
    await auditMapping(tx, user, instance, "brand_mapping.delete", { brand: row.brand }, now);
    return row;
  });
}
