/**
 * The layout of execution_result_rows: a result column is stored in a typed column ("slot") of its
 * type family, d1.. for dates, i1.. integers (int8), n1.. decimals (numeric, exact), t1.. text.
 * Columns beyond a family's slots go to `extra` (text[]), read back the same way. Pure: the
 * schema, the ingest and every reader agree on names through these functions.
 */
export type ResultColumnType = "date" | "integer" | "decimal" | "text";

export const RESULT_SLOT_COUNTS: Record<ResultColumnType, number> = { date: 8, integer: 24, decimal: 24, text: 32 };

const PREFIX: Record<ResultColumnType, string> = { date: "d", integer: "i", decimal: "n", text: "t" };

export const slotName = (type: ResultColumnType, n: number) => `${PREFIX[type]}${n}`;

/** Where one result column lives: a typed slot, or position `n` (1-based) of `extra`. */
export interface ResultColumnSlot {
  type: ResultColumnType;
  /** "d1".."d8", "i1".., "n1".., "t1".., or "x1".. for extra[1].. (stored as text). */
  slot: string;
}

/**
 * Slots for columns of these types, in column order. A column whose family is full falls back
 * to a text slot (integer to decimal first, since a decimal slot holds integers exactly), then to
 * `extra`: a result never fails to store for being wide.
 */
export function assignSlots(types: ResultColumnType[]): ResultColumnSlot[] {
  const used: Record<ResultColumnType, number> = { date: 0, integer: 0, decimal: 0, text: 0 };
  let extra = 0;
  const take = (t: ResultColumnType) => (used[t] < RESULT_SLOT_COUNTS[t] ? slotName(t, ++used[t]) : null);
  return types.map((type) => {
    if (type === "integer") {
      const s = take("integer") ?? take("decimal");
      if (s) return { type, slot: s };
    } else if (type !== "text") {
      const s = take(type);
      if (s) return { type, slot: s };
    }
    const t = take("text");
    return t ? { type: "text", slot: t } : { type: "text", slot: `x${++extra}` };
  });
}

/** True when every column has a real slot (COPY can load it directly; `extra` needs the lenient path). */
export const fitsSlots = (slots: ResultColumnSlot[]) => slots.every((s) => !s.slot.startsWith("x"));

/** A slot's SQL column name, validated (slot names come from stored JSON and end up in SQL). */
export function slotColumn(slot: string): string {
  const m = /^([dint])([1-9][0-9]?)$/.exec(slot);
  if (!m) throw new Error(`not a typed result slot: ${slot}`);
  const type = (Object.keys(PREFIX) as ResultColumnType[]).find((t) => PREFIX[t] === m[1])!;
  if (Number(m[2]) > RESULT_SLOT_COUNTS[type]) throw new Error(`result slot out of range: ${slot}`);
  return slot;
}

/** The 1-based position in `extra` of an overflow slot, or null for a typed slot. */
export function extraIndex(slot: string): number | null {
  const m = /^x([1-9][0-9]{0,3})$/.exec(slot);
  return m ? Number(m[1]) : null;
}
