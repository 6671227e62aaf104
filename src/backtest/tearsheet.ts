import { drawdowns } from "./metrics.ts";
import type { BacktestReport } from "./runBacktest.ts";
import {
  COLOURS,
  compact,
  dateAxis,
  escape,
  fmt,
  line,
  PAD,
  PANEL,
  panel,
  pct,
  sample,
  TABLE,
  WIDTH,
} from "./svgPlot.ts";

function metricsTable(parts: string[], report: BacktestReport): void {
  const m = report.metrics;
  const cells: [string, string][] = [
    ["CAGR", pct(m.cagr, 2)],
    ["volatility", pct(m.volatility, 2)],
    ["Sharpe", fmt(m.sharpe, (v) => v.toFixed(2))],
    ["Sortino", fmt(m.sortino, (v) => v.toFixed(2))],
    ["max drawdown", pct(m.maxDrawdown, 2)],
    ["tracking error", fmt(m.trackingError, (v) => pct(v, 2))],
    ["beta", fmt(m.beta, (v) => v.toFixed(2))],
    ["turnover / year", pct(m.annualTurnover, 0)],
    ["cost drag / year", pct(m.annualCostDrag, 2)],
    ["rebalances", String(m.rebalances)],
  ];
  parts.push(
    `<text x="${PAD.left}" y="26" font-size="16">Backtest ${escape(report.settings.rebalance)}, ${m.startDate} – ${m.endDate}</text>`,
  );
  cells.forEach(([name, value], k) => {
    const x = PAD.left + (k % 5) * 170;
    const y = 56 + Math.floor(k / 5) * 40;
    parts.push(
      `<text x="${x}" y="${y}" fill="#666">${name}</text>`,
      `<text x="${x}" y="${y + 18}" font-size="15">${value}</text>`,
    );
  });
}

/**
 * The tearsheet as a standalone SVG: the metrics, then the equity curve against the benchmark
 * (log scale when the NAV spans more than a factor 10), the drawdown, the weights over time
 * (stacked) and the turnover of each rebalance.
 *
 * @example
 * ```ts
 * writeFileSync("tearsheet.svg", tearsheetSvg(report));
 * ```
 */
export function tearsheetSvg(report: BacktestReport): string {
  const { dates, nav, benchmarkNav, weights, assets, rebalances } = report.series;
  const n = dates.length;
  const idx = sample(n);
  const height = TABLE + 4 * PANEL;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${WIDTH}" height="${height}" fill="white"/>`,
  ];
  metricsTable(parts, report);
  const values = [...nav, ...(benchmarkNav ?? []).filter((v): v is number => v !== null)];
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const equity = panel(parts, TABLE, n, "NAV (portfolio blue, benchmark grey)", lo, hi, compact, hi / lo > 10);
  if (benchmarkNav !== null) parts.push(line(equity, idx, benchmarkNav, "#999"));
  parts.push(line(equity, idx, nav, COLOURS[0] ?? "#1f77b4"));
  const dd = drawdowns(nav).map((d) => -d);
  const ddPanel = panel(parts, TABLE + PANEL, n, "Drawdown", Math.min(...dd, -0.01), 0, (v) => pct(v, 0));
  parts.push(line(ddPanel, idx, dd, "#d62728"));
  const wPanel = panel(parts, TABLE + 2 * PANEL, n, "Weights (stacked)", 0, 1, (v) => pct(v, 0));
  let legendX = PAD.left + 150;
  assets.forEach((asset, j) => {
    if (!weights.some((w) => (w[j] ?? 0) > 0)) return;
    const y = TABLE + 2 * PANEL + 20;
    parts.push(
      `<rect x="${legendX}" y="${y - 9}" width="9" height="9" fill="${COLOURS[j % COLOURS.length] ?? "#999"}"/>`,
      `<text x="${legendX + 12}" y="${y}" font-size="9.5">${escape(asset)}</text>`,
    );
    legendX += 20 + 6 * asset.length;
  });
  const cumulative = idx.map(() => 0);
  assets.forEach((asset, j) => {
    const lower = [...cumulative];
    idx.forEach((t, k) => (cumulative[k] = (cumulative[k] ?? 0) + Math.max(0, weights[t]?.[j] ?? 0)));
    if (cumulative.every((c, k) => c === lower[k])) return;
    const top = idx.map((t, k) => `${wPanel.x(t).toFixed(1)},${wPanel.y(Math.min(1, cumulative[k] ?? 0)).toFixed(1)}`);
    const bottom = idx
      .map((t, k) => `${wPanel.x(t).toFixed(1)},${wPanel.y(Math.min(1, lower[k] ?? 0)).toFixed(1)}`)
      .reverse();
    parts.push(
      `<polygon fill="${COLOURS[j % COLOURS.length] ?? "#999"}" fill-opacity="0.8" points="${[...top, ...bottom].join(" ")}"><title>${escape(asset)}</title></polygon>`,
    );
  });
  const turnovers = rebalances.slice(1).map((k) => k.turnover);
  const tPanel = panel(
    parts,
    TABLE + 3 * PANEL,
    n,
    "Turnover per rebalance (Σ|Δw|, initial allocation left out)",
    0,
    Math.max(0.01, ...turnovers),
    (v) => pct(v, 0),
  );
  const position = new Map(dates.map((d, t) => [d, t]));
  for (const k of rebalances.slice(1)) {
    const x = tPanel.x(position.get(k.date) ?? 0).toFixed(1);
    parts.push(
      `<line x1="${x}" y1="${tPanel.y(0).toFixed(1)}" x2="${x}" y2="${tPanel.y(k.turnover).toFixed(1)}" stroke="#1f77b4"/>`,
    );
  }
  dateAxis(parts, tPanel, dates);
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}
