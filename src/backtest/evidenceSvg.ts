import type { EvidenceReport } from "./evidence.ts";
import { drawdowns } from "./metrics.ts";
import { compact, dateAxis, escape, fmt, line, PAD, PANEL, panel, pct, sample, TABLE, WIDTH } from "./svgPlot.ts";

const CURRENT = "#7f7f7f";
const PROPOSED = "#1f77b4";

/**
 * The evidence report as a standalone SVG: the summary, a table of metrics current → proposed,
 * both equity curves and both drawdowns over the same dates.
 *
 * @example
 * ```ts
 * writeFileSync("evidence.svg", evidenceSvg(buildEvidence(inputs, optimize)));
 * ```
 */
export function evidenceSvg(report: EvidenceReport): string {
  const { dates, current, proposed } = report;
  const n = dates.length;
  const idx = sample(n);
  const height = TABLE + 40 + 2 * PANEL;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${WIDTH}" height="${height}" fill="white"/>`,
    `<text x="${PAD.left}" y="24" font-size="14">Proposal evidence: current (grey) → proposed (blue)</text>`,
    `<text x="${PAD.left}" y="44" font-size="10">${escape(report.summary)}</text>`,
  ];
  const rows: [string, (m: EvidenceReport["current"]["metrics"]) => string][] = [
    ["CAGR", (m) => pct(m.cagr, 2)],
    ["volatility", (m) => pct(m.volatility, 2)],
    ["Sharpe", (m) => fmt(m.sharpe, (v) => v.toFixed(2))],
    ["Sortino", (m) => fmt(m.sortino, (v) => v.toFixed(2))],
    ["max drawdown", (m) => pct(m.maxDrawdown, 2)],
    ["turnover / year", (m) => pct(m.annualTurnover, 0)],
    ["cost drag / year", (m) => pct(m.annualCostDrag, 2)],
    ["rebalances", (m) => String(m.rebalances)],
  ];
  rows.forEach(([name, value], k) => {
    const x = PAD.left + (k % 4) * 210;
    const y = 72 + Math.floor(k / 4) * 40;
    parts.push(
      `<text x="${x}" y="${y}" fill="#666">${name}</text>`,
      `<text x="${x}" y="${y + 18}" font-size="14">${value(current.metrics)} → ${value(proposed.metrics)}</text>`,
    );
  });
  const top = TABLE + 40;
  const all = [...current.nav, ...proposed.nav];
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const equity = panel(parts, top, n, "NAV", lo, hi, compact, hi / lo > 10);
  parts.push(line(equity, idx, current.nav, CURRENT), line(equity, idx, proposed.nav, PROPOSED));
  const ddCurrent = drawdowns(current.nav).map((d) => -d);
  const ddProposed = drawdowns(proposed.nav).map((d) => -d);
  const dd = panel(parts, top + PANEL, n, "Drawdown", Math.min(...ddCurrent, ...ddProposed, -0.01), 0, (v) =>
    pct(v, 0),
  );
  parts.push(line(dd, idx, ddCurrent, CURRENT), line(dd, idx, ddProposed, PROPOSED));
  dateAxis(parts, dd, dates);
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}
