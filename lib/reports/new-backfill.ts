import { z } from "zod";
import type { Database } from "../../db/client";
import type { SessionUser } from "../../db/queries/access";
import { planWindow } from "../backfill/backfills";
import { backfillWindowFields, type Plan } from "../backfill/plan";
import { AppError } from "../errors";
import { DEFAULT_ENGINE_SETTINGS, type EngineSettings } from "../executions/settings";
import { addDays, canonicalTimeZone, localDate } from "../params/zoned";
import { loadBuilderContext } from "./validate";

/**
 * The wizard's Backfill way for a report that does not exist yet: the segments it would get
 * (the same planSegments the backfill itself runs, with the template's lag and the report's
 * zone) and a rough idea of how long they take. Creating it is createReport's `run: backfill`.
 */

export const newBackfillPreviewSchema = z.strictObject({
  templateId: z.string().trim().min(1).max(100),
  instanceId: z.string().trim().min(1).max(100),
  timezone: z.string().max(100),
  ...backfillWindowFields,
});
export type NewBackfillPreviewRequest = z.output<typeof newBackfillPreviewSchema>;

export interface NewBackfillPreview {
  zone: string;
  segmentType: Plan["segmentType"];
  lookbackDays: number;
  /** First day included and last day included (what the user thinks of), in `zone`. */
  firstDay: string;
  lastDay: string;
  /** The end anchor used, and the one an empty field means (today − lag). */
  endDate: string;
  defaultEndDate: string;
  lagDays: number;
  /** Newest first, as the engine runs them. */
  segments: { start: string; lastDay: string; days: number; partial: boolean }[];
  duration: RoughDuration;
}

export interface RoughDuration {
  /** Upper-ish guess in minutes. */
  minutes: number;
  text: string;
}

/**
 * How long `segments` runs take, roughly: a backfill gets at most its share of the instance's
 * running slots (lib/executions/settings.ts), and each run takes about a minute on the built-in
 * sandbox's synthetic engine (submit, run, poll every 1.5 s, store) or ~20 minutes at AMC (its
 * queries usually take 10–30). A guess to plan around, not a promise.
 */
export function roughDuration(segments: number, builtinSandbox: boolean, settings: EngineSettings = DEFAULT_ENGINE_SETTINGS): RoughDuration {
  const parallel = Math.max(1, Math.floor(settings.maxRunningPerInstance * settings.backfillSlotShare));
  const waves = Math.ceil(segments / parallel);
  const perRunMinutes = builtinSandbox ? 0.25 : 20;
  const minutes = Math.max(1, Math.ceil(waves * perRunMinutes));
  const amount = minutes < 90 ? `${minutes} minute${minutes === 1 ? "" : "s"}` : `${Math.round(minutes / 60)} hours`;
  const how = builtinSandbox
    ? `the sandbox answers in seconds, ${parallel} segments at a time`
    : `AMC runs ${parallel} of this backfill's queries at a time and each usually takes 10–30 minutes`;
  return { minutes, text: `about ${amount} (${how})` };
}

export async function previewNewBackfill(db: Database, user: SessionUser, input: NewBackfillPreviewRequest, now: Date): Promise<NewBackfillPreview> {
  const { template, instance } = await loadBuilderContext(db, user, input.templateId, input.instanceId);
  const zone = canonicalTimeZone(input.timezone);
  if (!zone) throw new AppError("VALIDATION_ERROR", "Pick a time zone.", { timezone: ["Not a time zone name."] });
  const lagDays = template.dataLagDays;
  const plan = planWindow({ ...input, zone, lagDays }, now);
  return {
    zone,
    segmentType: plan.segmentType,
    lookbackDays: plan.lookbackDays,
    firstDay: plan.start,
    lastDay: addDays(plan.end, -1),
    endDate: plan.end,
    defaultEndDate: addDays(localDate(now, zone), -lagDays),
    lagDays,
    segments: plan.segments.map(({ start, lastDay, days, partial }) => ({ start, lastDay, days, partial })),
    duration: roughDuration(plan.segments.length, instance.isBuiltinSandbox),
  };
}
