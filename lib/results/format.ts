/**
 * Result cells as people read them on pages: a pure function of the column's name and the cell's
 * text. Only for display: exports and stored values stay exact (lib/results/csv-writer.ts).
 * Results carry no types or currency, so the column name decides: AMC templates name their
 * metrics consistently (spend, sales, ctr, roas, impressions...).
 */

export type ColumnKind = "money" | "percent" | "fraction" | "ratio" | "identifier" | "number";

const MONEY = /^(spend|sales|cost|revenue|cpc|cpm|cpa|price|budget|fee|fees)$/;
// Already in percent units (0-100).
const PERCENT = /^(pct|percent|percentage)$/;
// Fractions of one (clicks / impressions), shown as percentages.
const FRACTION = /^(rate|ctr|cvr|share)$/;
// Multipliers (sales / spend): shown as plain decimals.
const RATIO = /^(ratio|roas|acos|roi)$/;
// Numbers that are labels: a thousands separator or rounding would change what they say.
const IDENTIFIER = /^(id|ids|year|zip|code|hour|week|month|day|date|version|string)$/;

/** The column's words: `campaign_id_string` → campaign, id, string; `totalSpend` → total, spend. */
function words(column: string): string[] {
  return column
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** How a column's numbers are shown, by its name; the first matching rule wins, in this order. */
export function columnKind(column: string): ColumnKind {
  const w = words(column);
  const has = (re: RegExp) => w.some((x) => re.test(x));
  if (has(IDENTIFIER)) return "identifier";
  if (has(PERCENT)) return "percent";
  if (has(FRACTION)) return "fraction";
  if (has(RATIO)) return "ratio";
  if (has(MONEY)) return "money";
  return "number";
}

// Only plain decimals are formatted: leading zeros ("0012"), exponents and text are shown as
// stored, and so are integers past 2^53, which a JS number would round.
const PLAIN = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/;

const formatters = new Map<string, Intl.NumberFormat>();
function nf(key: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  let f = formatters.get(key);
  if (!f) formatters.set(key, (f = new Intl.NumberFormat("en-US", options)));
  return f;
}

/**
 * One cell for display: money with 2 decimals (and the currency when known), fractions and
 * percentages with a %, ratios with 2 to 4 decimals, counts with thousands separators, other
 * decimals rounded by size. NULL is empty; anything that is not a plain number is unchanged.
 */
export function formatCell(column: string, value: string | null, options: { currency?: string } = {}): string {
  if (value === null) return "";
  const kind = columnKind(column);
  if (kind === "identifier" || !PLAIN.test(value)) return value;
  const n = Number(value);
  const isInteger = !value.includes(".");
  if (isInteger && !Number.isSafeInteger(n)) return value;
  switch (kind) {
    case "money":
      return options.currency
        ? nf(`money-${options.currency}`, { style: "currency", currency: options.currency, minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(n)
        : nf("money", { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(n);
    case "percent":
      return `${nf("pct", { maximumFractionDigits: 2 }).format(n)}%`;
    case "fraction":
      // Tiny rates (0.0024) need their digits: up to 2 significant places after the first.
      return `${nf("frac", { maximumFractionDigits: Math.abs(n) >= 0.01 ? 2 : 4 }).format(n * 100)}%`;
    case "ratio":
      return nf(Math.abs(n) >= 1 ? "ratio" : "ratio-small", { minimumFractionDigits: 2, maximumFractionDigits: Math.abs(n) >= 1 ? 2 : 4 }).format(n);
    default:
      if (isInteger) return nf("count", { maximumFractionDigits: 0 }).format(n);
      return nf(Math.abs(n) >= 1 ? "dec" : "dec-small", { maximumFractionDigits: Math.abs(n) >= 1 ? 2 : 4 }).format(n);
  }
}
