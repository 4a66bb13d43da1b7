import { z } from "zod";
import type { Database } from "../../db/client";
import type { SessionUser } from "../../db/queries/access";
import { listBrandMappings } from "../../db/queries/instances";
import { SANDBOX_ASINS, SANDBOX_CAMPAIGNS } from "../amc/sandbox/entities";
import { parseInput } from "../errors";
import { ASIN } from "../params/definitions";
import { amcInstanceIdSchema, instanceForUserOrThrow } from "./guard";
import { KNOWN_KINDS, isSkippedCampaign, type KnownKind } from "./known-kinds";
import { pastResultValues } from "./known-values";

/**
 * What a campaign or ASIN picker offers on an instance: the ids its brand mappings hold, those its
 * past results name and, on the built-in sandbox, its entities (lib/amc/sandbox/entities.ts: the
 * same fixed cast the sandbox's tables are generated from). Matched against the search text,
 * de-duplicated (mappings first, then the sandbox's named entities, then results), coupon-/promo-/
 * socialmedia- campaigns skipped, at most `limit`.
 */

export const SUGGESTION_LIMIT = 200;

export const suggestionsSchema = z.strictObject({
  instanceId: amcInstanceIdSchema,
  kind: z.enum(KNOWN_KINDS),
  search: z.string().trim().max(100, "Search with at most 100 characters.").default(""),
  limit: z.number().int().min(1).max(SUGGESTION_LIMIT).default(SUGGESTION_LIMIT),
});
export type SuggestionsInput = z.input<typeof suggestionsSchema>;

export type SuggestionSource = "mapping" | "sandbox" | "results";

export interface Suggestion {
  value: string;
  /** A readable name (the campaign's, the product's, the brand's), when one is known. */
  label: string | null;
  source: SuggestionSource;
}

export interface Suggestions {
  items: Suggestion[];
  /** More matched than were returned: the user should narrow the search. */
  truncated: boolean;
}

function matches(search: string) {
  const needle = search.toLowerCase();
  return (s: Suggestion) => needle === "" || s.value.toLowerCase().includes(needle) || (s.label?.toLowerCase().includes(needle) ?? false);
}

function sandboxEntities(kind: KnownKind): Suggestion[] {
  return kind === "campaign"
    ? SANDBOX_CAMPAIGNS.map((c) => ({ value: c.campaignIdString, label: `${c.campaign} (${c.channel})`, source: "sandbox" as const }))
    : SANDBOX_ASINS.map((a) => ({ value: a.asin, label: a.title, source: "sandbox" as const }));
}

/** Only values a parameter of the kind would accept: a picked value must never be refused. */
const acceptable = (kind: KnownKind) => (s: Suggestion) =>
  kind === "asin" ? ASIN.test(s.value) : /^[A-Za-z0-9_.:-]{1,200}$/.test(s.value) && !isSkippedCampaign(s.value);

export async function suggestKnownValues(db: Database, user: SessionUser, input: SuggestionsInput): Promise<Suggestions> {
  const { instanceId, kind, search, limit } = parseInput(suggestionsSchema, input);
  const instance = await instanceForUserOrThrow(db, user, instanceId);

  const mappings = await listBrandMappings(db, instance.id);
  const fromMappings: Suggestion[] = mappings.flatMap((m) =>
    (kind === "asin" ? m.asins : m.campaignIds).map((value) => ({ value, label: m.brand, source: "mapping" as const })),
  );
  const fromSandbox = instance.isBuiltinSandbox ? sandboxEntities(kind) : [];
  // One more than asked: whether the list was cut.
  const fromResults: Suggestion[] = (await pastResultValues(db, instance.id, kind, { search, limit: limit + 1 })).map((v) => ({
    value: kind === "asin" ? v.value.toUpperCase() : v.value,
    label: v.label,
    source: "results" as const,
  }));

  const seen = new Set<string>();
  const items: Suggestion[] = [];
  const isMatch = matches(search);
  const isAcceptable = acceptable(kind);
  for (const s of [...fromMappings, ...fromSandbox, ...fromResults]) {
    if (seen.has(s.value) || !isAcceptable(s) || !isMatch(s)) continue;
    seen.add(s.value);
    items.push(s);
  }
  return { items: items.slice(0, limit), truncated: items.length > limit };
}

/** The instance's mappings for the wizard's pre-fill: brand, ASINs, campaigns (skipped ids left out). */
export async function mappingsForPrefill(db: Database, user: SessionUser, input: { instanceId: string }) {
  const { instanceId } = parseInput(z.strictObject({ instanceId: amcInstanceIdSchema }), input);
  const instance = await instanceForUserOrThrow(db, user, instanceId);
  const mappings = await listBrandMappings(db, instance.id);
  return mappings.map((m) => ({ brand: m.brand, asins: m.asins, campaignIds: m.campaignIds.filter((c) => !isSkippedCampaign(c)) }));
}
