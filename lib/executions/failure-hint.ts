/**
 * What to try next for a failed run, shown under AMC's error on the run page. explainFailure
 * (./explain.ts) wrote the message and stored a typed cause in error_details.cause; that cause
 * decides first. AMC gives a query's own failures (rejected SQL, a run that ended FAILED) only as
 * text, so for those two causes the text picks among the query hints. This is advice on a page,
 * never a decision: the engine retries by typed cause only (product.md pitfall 10).
 */

export type FailureKind =
  | "syntax"
  | "unknown_name"
  | "privacy_threshold"
  | "permission"
  | "throttling"
  | "reauthorization"
  | "timeout"
  | "unavailable";

export interface FailureHint {
  kind: FailureKind;
  title: string;
  hint: string;
}

const HINTS: Record<FailureKind, Omit<FailureHint, "kind">> = {
  syntax: {
    title: "SQL syntax",
    hint: "AMC could not parse the query. Check the template's SQL near the position AMC names (a missing comma, an unclosed parenthesis or quote), or a parameter value that broke the SQL.",
  },
  unknown_name: {
    title: "Unknown table or column",
    hint: "The query names a table or column this instance does not have. Check the spelling against AMC's data sources; some tables (for example Amazon Audiences or paid-feature tables) exist only on instances that subscribe to them.",
  },
  privacy_threshold: {
    title: "Privacy threshold",
    hint: "AMC withholds results that aggregate too few distinct users. Widen the time window, remove filters (fewer campaigns or ASINs), or group by fewer dimensions, then run again.",
  },
  permission: {
    title: "Permission",
    hint: "The Amazon Ads connection has no access to this instance or advertiser. An admin must grant the connected account access in Amazon Ads, then run again.",
  },
  throttling: {
    title: "Throttling",
    hint: "AMC limits how many queries run at once per instance. Nothing is wrong with the query: run it again later, or spread scheduled reports over the day.",
  },
  reauthorization: {
    title: "Connection needs re-authorization",
    hint: "Amazon no longer accepts the stored authorization. An admin must reconnect the Amazon Ads account on the Instances page; then run again.",
  },
  timeout: {
    title: "Timed out",
    hint: "AMC did not finish in time. Try a shorter window (or a backfill, which splits it into segments) or a query with fewer joins.",
  },
  unavailable: {
    title: "AMC unavailable",
    hint: "AMC or the network failed repeatedly. This is usually temporary: run it again later.",
  },
};

// Phrases AMC (and the sandbox, which mimics it) uses for each query failure, most specific first.
const QUERY_PATTERNS: [FailureKind, RegExp][] = [
  ["privacy_threshold", /aggregation threshold|privacy threshold|too few (distinct )?users|minimum (number of )?users/i],
  ["unknown_name", /unknown (table|column|field|relation)|(table|column|relation|field) .{0,80}(does not exist|not found|cannot be resolved|unknown)|(no such|undefined) (table|column)|cannot resolve/i],
  ["syntax", /syntax|parse error|unexpected (token|end|character|input)|mismatched input|extraneous input/i],
  ["permission", /not authori[sz]ed|access denied|permission|forbidden/i],
  ["throttling", /throttl|rate.?limit|too many requests|\b429\b/i],
];

const BY_CAUSE: Partial<Record<string, FailureKind>> = {
  permission: "permission",
  rate_limited: "throttling",
  reauthorize: "reauthorization",
  reauthorization_expired: "reauthorization",
  timeout: "timeout",
  transient: "unavailable",
  auth: "unavailable",
};

function causeOf(details: unknown): string | undefined {
  if (typeof details !== "object" || details === null || Array.isArray(details)) return undefined;
  const cause = (details as Record<string, unknown>).cause;
  return typeof cause === "string" ? cause : undefined;
}

/** The hint for a failed run from its stored error, or null when there is no useful advice. */
export function failureHint(errorMessage: string | null, errorDetails: unknown): FailureHint | null {
  const cause = causeOf(errorDetails);
  const byCause = cause ? BY_CAUSE[cause] : undefined;
  if (byCause) return { kind: byCause, ...HINTS[byCause] };
  // Only AMC's own verdict on the query is read as text; an unknown cause (or an old row
  // without details) is treated the same, since its message is all there is.
  const readText = cause === undefined || cause === "invalid_query" || cause === "amc_failed";
  if (!readText || !errorMessage) return null;
  for (const [kind, pattern] of QUERY_PATTERNS) {
    if (pattern.test(errorMessage)) return { kind, ...HINTS[kind] };
  }
  return null;
}
