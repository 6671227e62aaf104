// Plot pieces of the backtest SVGs (the tearsheet, the evidence comparison): the same plain-string
// SVG as `portfolio frontier --plot` (src/optimizer/frontier.ts), no dependency, a file that opens in
// any browser. Panels stack vertically and share the date axis.
export const WIDTH = 960;
export const PANEL = 220;
export const PAD = { left: 80, right: 30, top: 30, bottom: 30 };
export const TABLE = 120;
// matplotlib's tab20: distinct for up to 20 assets.
export const COLOURS = [
  "#1f77b4",
  "#aec7e8",
  "#ff7f0e",
  "#ffbb78",
  "#2ca02c",
  "#98df8a",
  "#d62728",
  "#ff9896",
  "#9467bd",
  "#c5b0d5",
  "#8c564b",
  "#c49c94",
  "#e377c2",
  "#f7b6d2",
  "#7f7f7f",
  "#c7c7c7",
  "#bcbd22",
  "#dbdb8d",
  "#17becf",
  "#9edae5",
];
/** Points per plotted line at most; longer series are sampled evenly (the last point kept). */
export const MAX_POINTS = 600;

export const compact = (v: number): string =>
  v >= 1e9
    ? `${(v / 1e9).toPrecision(3)}bn`
    : v >= 1e6
      ? `${(v / 1e6).toPrecision(3)}m`
      : v >= 1e3
        ? `${(v / 1e3).toPrecision(3)}k`
        : v.toPrecision(3);
export const pct = (v: number, digits = 1): string => `${(v * 100).toFixed(digits)}%`;
export const fmt = (v: number | null, f: (x: number) => string): string => (v === null ? "–" : f(v));
export const escape = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");

/** Indices of a series of n points to plot: at most {@link MAX_POINTS}, evenly spaced, the last kept. */
export function sample(n: number): number[] {
  const step = Math.max(1, Math.ceil(n / MAX_POINTS));
  const out: number[] = [];
  for (let t = 0; t < n; t += step) out.push(t);
  if (out[out.length - 1] !== n - 1) out.push(n - 1);
  return out;
}

/** A panel's position and its maps from (row index, value) to SVG coordinates. */
export interface Panel {
  readonly top: number;
  readonly x: (t: number) => number;
  readonly y: (v: number) => number;
}

/** Frame, title, horizontal grid with labels; y maps [lo, hi] (log10 when `log`) onto the panel. */
export function panel(
  parts: string[],
  top: number,
  n: number,
  title: string,
  lo: number,
  hi: number,
  label: (v: number) => string,
  log = false,
): Panel {
  const f = (v: number): number => (log ? Math.log10(v) : v);
  const [a, b] = [f(lo), f(hi) === f(lo) ? f(lo) + 1 : f(hi)];
  const h = PANEL - PAD.top - PAD.bottom;
  const x = (t: number): number => PAD.left + (t / Math.max(1, n - 1)) * (WIDTH - PAD.left - PAD.right);
  const y = (v: number): number => top + PAD.top + h - ((f(v) - a) / (b - a)) * h;
  parts.push(`<text x="${PAD.left}" y="${top + 20}" font-size="14">${escape(title)}</text>`);
  for (let k = 0; k <= 4; k++) {
    const v = log ? 10 ** (a + ((b - a) * k) / 4) : a + ((b - a) * k) / 4;
    const yy = y(v).toFixed(1);
    parts.push(
      `<line x1="${PAD.left}" y1="${yy}" x2="${WIDTH - PAD.right}" y2="${yy}" stroke="#eee"/>`,
      `<text x="${PAD.left - 6}" y="${(Number(yy) + 4).toFixed(1)}" text-anchor="end">${label(v)}</text>`,
    );
  }
  parts.push(
    `<rect x="${PAD.left}" y="${top + PAD.top}" width="${WIDTH - PAD.left - PAD.right}" height="${h}" fill="none" stroke="#444"/>`,
  );
  return { top, x, y };
}

/** Six date labels under a panel. */
export function dateAxis(parts: string[], p: Panel, dates: readonly string[]): void {
  const y = p.top + PANEL - PAD.bottom + 15;
  for (let k = 0; k <= 5; k++) {
    const t = Math.round(((dates.length - 1) * k) / 5);
    parts.push(`<text x="${p.x(t).toFixed(1)}" y="${y}" text-anchor="middle">${dates[t] ?? ""}</text>`);
  }
}

/** A polyline of `values` at the sampled indices; null values are skipped. */
export function line(p: Panel, idx: readonly number[], values: readonly (number | null)[], colour: string): string {
  const pts = idx
    .filter((t) => values[t] !== null && values[t] !== undefined)
    .map((t) => `${p.x(t).toFixed(1)},${p.y(values[t] ?? 0).toFixed(1)}`);
  return `<polyline fill="none" stroke="${colour}" stroke-width="1.5" points="${pts.join(" ")}"/>`;
}
