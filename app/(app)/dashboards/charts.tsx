/**
 * Server-rendered SVG charts (no client JavaScript, no charting dependency). Every chart has a
 * fixed viewBox and scales with `w-full h-auto`, so its box is known before any script runs:
 * nothing hydrates, nothing jumps. Provisional points (windows inside the last 14 days) are
 * drawn hollow / faded over an amber band.
 */

export const PALETTE = ["#4f46e5", "#0891b2", "#ea580c", "#16a34a", "#db2777", "#ca8a04", "#7c3aed", "#475569"];

export type NumberFormat = "number" | "currency" | "percent" | undefined;

export function formatValue(v: number | null | undefined, format?: NumberFormat): string {
  if (v === null || v === undefined || Number.isNaN(v)) return "—";
  if (format === "percent") return `${(v * 100).toLocaleString("en-US", { maximumFractionDigits: 1 })}%`;
  if (format === "currency") return v.toLocaleString("en-US", { style: "currency", currency: "USD", maximumFractionDigits: 2 });
  const abs = Math.abs(v);
  return v.toLocaleString("en-US", { maximumFractionDigits: abs >= 100 ? 0 : abs >= 1 ? 2 : 4 });
}

function compact(v: number, format?: NumberFormat): string {
  if (format === "percent") return `${Math.round(v * 1000) / 10}%`;
  const abs = Math.abs(v);
  const s = abs >= 1e9 ? `${+(v / 1e9).toFixed(1)}B` : abs >= 1e6 ? `${+(v / 1e6).toFixed(1)}M` : abs >= 1e3 ? `${+(v / 1e3).toFixed(1)}k` : `${+v.toFixed(2)}`;
  return format === "currency" ? `$${s}` : s;
}

function niceTicks(min: number, max: number, count = 4): number[] {
  if (min === max) max = min + 1;
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let t = Math.floor(min / step) * step; t <= max + step * 0.001; t += step) ticks.push(+t.toFixed(10));
  if (ticks[ticks.length - 1]! < max) ticks.push(ticks[ticks.length - 1]! + step);
  return ticks;
}

export interface XYData {
  categories: string[];
  series: { name: string; values: (number | null)[] }[];
  provisional: boolean[];
  /** The comparison period's values at the same positions, drawn dashed in the series' color. */
  comparison?: { name: string; values: (number | null)[] }[];
}

const W = 640;
const H = 260;
const M = { l: 56, r: 12, t: 12, b: 44 };

export function XYChart({ kind, data, format, title }: { kind: "line" | "area" | "bar"; data: XYData; format?: NumberFormat; title: string }) {
  const { categories, series, provisional } = data;
  const comparison = kind === "bar" ? [] : (data.comparison ?? []);
  const values = [...series, ...comparison].flatMap((s) => s.values).filter((v): v is number => v !== null && Number.isFinite(v));
  const ticks = niceTicks(Math.min(0, ...values), Math.max(0, ...values, 1e-9));
  const lo = ticks[0]!;
  const hi = ticks[ticks.length - 1]!;
  const pw = W - M.l - M.r;
  const ph = H - M.t - M.b;
  const n = Math.max(1, categories.length);
  const band = pw / n;
  const cx = (i: number) => M.l + band * i + band / 2;
  const y = (v: number) => M.t + ph - ((v - lo) / (hi - lo)) * ph;
  const labelEvery = Math.max(1, Math.ceil(n / 8));
  const firstProvisional = provisional.findIndex(Boolean);
  const barW = Math.max(1, (band * 0.8) / Math.max(1, series.length));
  return (
    <svg viewBox={`0 0 ${W} ${H}`} className="h-auto w-full" role="img" aria-label={title}>
      {firstProvisional >= 0 && (
        <g>
          <rect x={M.l + band * firstProvisional} y={M.t} width={band * (n - firstProvisional)} height={ph} fill="#fef3c7" opacity={0.7} />
          <text x={M.l + band * firstProvisional + 4} y={M.t + 12} fontSize={10} fill="#92400e">provisional</text>
        </g>
      )}
      {ticks.map((t) => (
        <g key={t}>
          <line x1={M.l} x2={W - M.r} y1={y(t)} y2={y(t)} stroke="#e2e8f0" />
          <text x={M.l - 6} y={y(t) + 3} fontSize={10} textAnchor="end" fill="#64748b">{compact(t, format)}</text>
        </g>
      ))}
      {categories.map((c, i) =>
        i % labelEvery === 0 ? (
          <text key={i} x={cx(i)} y={H - M.b + 14} fontSize={10} textAnchor="middle" fill="#64748b">
            {c.length > 14 ? `${c.slice(0, 13)}…` : c}
          </text>
        ) : null,
      )}
      {series.map((s, si) => {
        const color = PALETTE[si % PALETTE.length];
        if (kind === "bar") {
          return (
            <g key={s.name}>
              {s.values.map((v, i) =>
                v === null ? null : (
                  <rect
                    key={i}
                    x={M.l + band * i + band * 0.1 + barW * si}
                    y={Math.min(y(v), y(0))}
                    width={barW}
                    height={Math.max(0.5, Math.abs(y(v) - y(0)))}
                    fill={color}
                    opacity={provisional[i] ? 0.45 : 1}
                    strokeDasharray={provisional[i] ? "3 2" : undefined}
                    stroke={provisional[i] ? color : undefined}
                  >
                    <title>{`${categories[i]} · ${s.name}: ${formatValue(v, format)}${provisional[i] ? " (provisional)" : ""}`}</title>
                  </rect>
                ),
              )}
            </g>
          );
        }
        const segments = lineSegments(s.values, cx, y);
        return (
          <g key={s.name}>
            {kind === "area" &&
              segments.map((d, k) => {
                const xs = [...d.matchAll(/[ML]([\d.]+),/g)].map((m) => m[1]);
                return <path key={`a${k}`} d={`${d}L${xs.at(-1)},${y(Math.max(lo, 0))}L${xs[0]},${y(Math.max(lo, 0))}Z`} fill={color} opacity={0.2} />;
              })}
            {segments.map((d, k) => (
              <path key={k} d={d} fill="none" stroke={color} strokeWidth={2} />
            ))}
            {n <= 120 &&
              s.values.map((v, i) =>
                v === null ? null : (
                  <circle key={i} cx={cx(i)} cy={y(v)} r={3} fill={provisional[i] ? "white" : color} stroke={color} strokeWidth={1.5}>
                    <title>{`${categories[i]} · ${s.name}: ${formatValue(v, format)}${provisional[i] ? " (provisional)" : ""}`}</title>
                  </circle>
                ),
              )}
          </g>
        );
      })}
      {comparison.map((s) => {
        const si = Math.max(0, series.findIndex((c) => c.name === s.name));
        const color = PALETTE[si % PALETTE.length];
        return (
          <g key={`cmp-${s.name}`} data-testid="comparison-line">
            {lineSegments(s.values, cx, y).map((d, k) => (
              <path key={k} d={d} fill="none" stroke={color} strokeWidth={1.5} strokeDasharray="5 4" opacity={0.8} />
            ))}
            {n <= 120 &&
              s.values.map((v, i) =>
                v === null ? null : (
                  <circle key={i} cx={cx(i)} cy={y(v)} r={2} fill={color} opacity={0.8}>
                    <title>{`${categories[i]} · ${s.name} (comparison): ${formatValue(v, format)}`}</title>
                  </circle>
                ),
              )}
          </g>
        );
      })}
      <Legend names={series.map((s) => s.name)} />
    </svg>
  );
}

/** A line's path pieces: it breaks at missing values. */
function lineSegments(values: (number | null)[], cx: (i: number) => number, y: (v: number) => number): string[] {
  const segments: string[] = [];
  let current = "";
  values.forEach((v, i) => {
    if (v === null) {
      if (current) segments.push(current);
      current = "";
    } else current += `${current ? "L" : "M"}${cx(i).toFixed(1)},${y(v).toFixed(1)}`;
  });
  if (current) segments.push(current);
  return segments;
}

function Legend({ names }: { names: string[] }) {
  const shown = names.slice(0, 8);
  const offsets = shown.map((_, i) => M.l + shown.slice(0, i).reduce((a, n) => a + 30 + Math.min(n.length, 18) * 6, 0));
  return (
    <g>
      {shown.map((name, i) => {
        const at = offsets[i]!;
        return (
          <g key={name} transform={`translate(${at}, ${H - 12})`}>
            <rect width={10} height={10} y={-9} fill={PALETTE[i % PALETTE.length]} />
            <text x={14} fontSize={10} fill="#334155">{name.length > 18 ? `${name.slice(0, 17)}…` : name}</text>
          </g>
        );
      })}
    </g>
  );
}

export function PieChart({ slices, format, title }: { slices: { label: string; value: number; provisional: boolean }[]; format?: NumberFormat; title: string }) {
  const positive = slices.filter((s) => s.value > 0).sort((a, b) => b.value - a.value);
  const top = positive.slice(0, 7);
  const rest = positive.slice(7);
  if (rest.length) top.push({ label: "Other", value: rest.reduce((a, b) => a + b.value, 0), provisional: rest.some((r) => r.provisional) });
  const total = top.reduce((a, b) => a + b.value, 0) || 1;
  const R = 100;
  const c = { x: 130, y: 125 };
  const starts = top.map((_, i) => -Math.PI / 2 + (top.slice(0, i).reduce((a, b) => a + b.value, 0) / total) * Math.PI * 2);
  return (
    <svg viewBox={`0 0 ${W} ${H}`} className="h-auto w-full" role="img" aria-label={title}>
      {top.map((s, i) => {
        const a0 = starts[i]!;
        const a1 = a0 + (s.value / total) * Math.PI * 2;
        const p = (a: number) => `${(c.x + R * Math.cos(a)).toFixed(2)},${(c.y + R * Math.sin(a)).toFixed(2)}`;
        const d = top.length === 1 ? `M${c.x - R},${c.y}a${R},${R} 0 1,0 ${2 * R},0a${R},${R} 0 1,0 ${-2 * R},0` : `M${c.x},${c.y}L${p(a0)}A${R},${R} 0 ${a1 - a0 > Math.PI ? 1 : 0},1 ${p(a1)}Z`;
        return (
          <path key={s.label} d={d} fill={PALETTE[i % PALETTE.length]} opacity={s.provisional ? 0.55 : 1} stroke="white">
            <title>{`${s.label}: ${formatValue(s.value, format)} (${((s.value / total) * 100).toFixed(1)}%)`}</title>
          </path>
        );
      })}
      {top.map((s, i) => (
        <g key={s.label} transform={`translate(270, ${30 + i * 24})`}>
          <rect width={12} height={12} y={-10} fill={PALETTE[i % PALETTE.length]} />
          <text x={18} fontSize={12} fill="#334155">
            {s.label.length > 28 ? `${s.label.slice(0, 27)}…` : s.label} — {formatValue(s.value, format)} ({((s.value / total) * 100).toFixed(1)}%)
            {s.provisional ? " *" : ""}
          </text>
        </g>
      ))}
    </svg>
  );
}

export function FunnelChart({ stages, format, title }: { stages: { label: string; value: number | null }[]; format?: NumberFormat; title: string }) {
  const first = stages[0]?.value ?? 0;
  const max = Math.max(1e-9, ...stages.map((s) => s.value ?? 0));
  const rowH = Math.min(48, (H - 20) / Math.max(1, stages.length));
  return (
    <svg viewBox={`0 0 ${W} ${H}`} className="h-auto w-full" role="img" aria-label={title}>
      {stages.map((s, i) => {
        const w = ((s.value ?? 0) / max) * (W - 260);
        return (
          <g key={s.label} transform={`translate(0, ${10 + i * rowH})`}>
            <text x={150} y={rowH / 2 + 4} fontSize={12} textAnchor="end" fill="#334155">{s.label}</text>
            <rect x={160 + (W - 260 - w) / 2} y={4} width={Math.max(1, w)} height={rowH - 8} fill={PALETTE[i % PALETTE.length]} rx={3} />
            <text x={W - 90} y={rowH / 2 + 4} fontSize={11} fill="#334155">
              {formatValue(s.value, format)}
              {i > 0 && first ? ` (${(((s.value ?? 0) / first) * 100).toFixed(1)}%)` : ""}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
