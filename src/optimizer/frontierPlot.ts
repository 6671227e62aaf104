// SVG plots of efficient frontiers: mean-variance (volatility on x) and mean-CVaR (CVaR on x), one
// renderer for both.
import type { CvarFrontierResult } from "./cvarFrontier.ts";
import type { FrontierResult } from "./frontierOf.ts";

/** A marked portfolio on a frontier plot. */
interface Mark {
  readonly x: number;
  readonly y: number;
  readonly colour: string;
  readonly label: string;
}

/** What {@link riskReturnSvg} draws. */
interface RiskReturnPlot {
  readonly title: string;
  readonly xLabel: string;
  readonly curve: readonly { readonly x: number; readonly y: number }[];
  readonly marks: readonly Mark[];
  /** Decimals of the x tick labels (percent). */
  readonly xDecimals?: number;
}

/**
 * Renders the frontier as a standalone SVG: volatility on x, expected return on y, the
 * minimum-variance and max-Sharpe portfolios marked.
 *
 * @example
 * ```ts
 * writeFileSync("frontier.svg", frontierSvg(efficientFrontier(problem, { points: 50 })));
 * ```
 */
export function frontierSvg(frontier: FrontierResult, size: { width?: number; height?: number } = {}): string {
  const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;
  const marks: Mark[] = [
    {
      x: frontier.minVariance.volatility,
      y: frontier.minVariance.expectedReturn,
      colour: "#2ca02c",
      label: `min variance (${pct(frontier.minVariance.volatility)}, ${pct(frontier.minVariance.expectedReturn)})`,
    },
  ];
  if (frontier.maxSharpe !== null) {
    const p = frontier.maxSharpe;
    marks.push({
      x: p.volatility,
      y: p.expectedReturn,
      colour: "#d62728",
      label: `max Sharpe ${p.sharpe?.toFixed(2) ?? ""} (${pct(p.volatility)}, ${pct(p.expectedReturn)})`,
    });
  }
  return riskReturnSvg(
    {
      title: "Efficient frontier",
      xLabel: "Volatility (annualised)",
      curve: frontier.points.map((p) => ({ x: p.volatility, y: p.expectedReturn })),
      marks,
    },
    size,
  );
}

/**
 * Renders the mean-CVaR frontier: CVaR_β of the scenarios (per period) on x, expected return on y,
 * the min-CVaR portfolio marked.
 *
 * @example
 * ```ts
 * writeFileSync("cvar.svg", cvarFrontierSvg(cvarFrontier(problem, { points: 20, files, qpSolver })));
 * ```
 */
export function cvarFrontierSvg(frontier: CvarFrontierResult, size: { width?: number; height?: number } = {}): string {
  const m = frontier.minCvar;
  return riskReturnSvg(
    {
      title: `Mean-CVaR frontier (β = ${frontier.beta}, ${frontier.scenarios} scenarios)`,
      xLabel: `CVaR ${frontier.beta} (per period)`,
      curve: frontier.points.map((p) => ({ x: p.cvar, y: p.expectedReturn })),
      marks: [
        {
          x: m.cvar,
          y: m.expectedReturn,
          colour: "#2ca02c",
          label: `min CVaR (${(m.cvar * 100).toFixed(2)}%, ${(m.expectedReturn * 100).toFixed(1)}%)`,
        },
      ],
      xDecimals: 2,
    },
    size,
  );
}

function riskReturnSvg(
  plot: RiskReturnPlot,
  { width = 720, height = 480 }: { width?: number; height?: number },
): string {
  const pad = { left: 70, right: 30, top: 40, bottom: 55 };
  const all = [...plot.curve, ...plot.marks];
  const xs = all.map((p) => p.x);
  const ys = all.map((p) => p.y);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  const dx = x1 - x0 || Math.abs(x1) || 1;
  const dy = y1 - y0 || Math.abs(y1) || 1;
  const xLo = x0 - 0.05 * dx;
  const xHi = x1 + 0.05 * dx;
  const yLo = y0 - 0.05 * dy;
  const yHi = y1 + 0.05 * dy;
  const px = (v: number): number => pad.left + ((v - xLo) / (xHi - xLo)) * (width - pad.left - pad.right);
  const py = (v: number): number => height - pad.bottom - ((v - yLo) / (yHi - yLo)) * (height - pad.top - pad.bottom);
  const pct = (v: number, d = 1): string => `${(v * 100).toFixed(d)}%`;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15">${plot.title}</text>`,
  ];
  for (let k = 0; k <= 5; k++) {
    const xv = xLo + ((xHi - xLo) * k) / 5;
    const yv = yLo + ((yHi - yLo) * k) / 5;
    parts.push(
      `<line x1="${px(xv).toFixed(1)}" y1="${pad.top}" x2="${px(xv).toFixed(1)}" y2="${height - pad.bottom}" stroke="#eee"/>`,
      `<text x="${px(xv).toFixed(1)}" y="${height - pad.bottom + 18}" text-anchor="middle">${pct(xv, plot.xDecimals ?? 1)}</text>`,
      `<line x1="${pad.left}" y1="${py(yv).toFixed(1)}" x2="${width - pad.right}" y2="${py(yv).toFixed(1)}" stroke="#eee"/>`,
      `<text x="${pad.left - 8}" y="${(py(yv) + 4).toFixed(1)}" text-anchor="end">${pct(yv)}</text>`,
    );
  }
  parts.push(
    `<rect x="${pad.left}" y="${pad.top}" width="${width - pad.left - pad.right}" height="${height - pad.top - pad.bottom}" fill="none" stroke="#444"/>`,
    `<text x="${width / 2}" y="${height - 12}" text-anchor="middle">${plot.xLabel}</text>`,
    `<text x="18" y="${height / 2}" text-anchor="middle" transform="rotate(-90 18 ${height / 2})">Expected return (annualised)</text>`,
    `<polyline fill="none" stroke="#1f77b4" stroke-width="2" points="${plot.curve.map((p) => `${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`).join(" ")}"/>`,
  );
  for (const m of plot.marks) {
    parts.push(
      `<circle cx="${px(m.x).toFixed(1)}" cy="${py(m.y).toFixed(1)}" r="6" fill="${m.colour}"/>`,
      // Labels of points in the right half go to their left so they stay inside the plot.
      px(m.x) > width / 2
        ? `<text x="${(px(m.x) - 10).toFixed(1)}" y="${(py(m.y) + 4).toFixed(1)}" text-anchor="end" fill="${m.colour}">${m.label}</text>`
        : `<text x="${(px(m.x) + 10).toFixed(1)}" y="${(py(m.y) + 4).toFixed(1)}" fill="${m.colour}">${m.label}</text>`,
    );
  }
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}
