import { asinPurchases } from "./asin-purchases";
import { audienceOverlap } from "./audience-overlap";
import { campaignPerformanceRoas } from "./campaign-performance";
import { conversionFunnel } from "./conversion-funnel";
import { geoDeviceBreakdown } from "./geo-device";
import { incrementalReach } from "./incremental-reach";
import { mediaMixReach } from "./media-mix";
import { newToBrand } from "./new-to-brand";
import { pathToConversion } from "./path-to-conversion";
import { reachFrequency } from "./reach-frequency";
import { searchTermPerformance } from "./search-terms";
import { timeToConversion } from "./time-to-conversion";
import type { LibraryTemplate } from "./types";

/** The template library (amc-data-model.md §3, T01–T11, plus search terms), in catalog order. */
export const LIBRARY: readonly LibraryTemplate[] = [
  campaignPerformanceRoas,
  conversionFunnel,
  reachFrequency,
  newToBrand,
  pathToConversion,
  timeToConversion,
  audienceOverlap,
  incrementalReach,
  geoDeviceBreakdown,
  asinPurchases,
  mediaMixReach,
  searchTermPerformance,
];
