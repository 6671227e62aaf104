import { InputError } from "../errors.ts";
import { defaultEstimators } from "./defaultEstimators.ts";
import { frontierOf, type FrontierPoint, type FrontierPoints } from "./frontierOf.ts";
import { buildConstraints } from "./markowitz/constraints.ts";
import type { OptimizeOptions } from "./optimizeTypes.ts";
import { parseProblem } from "./problem.ts";
import { interiorPointSolver } from "./qp/interiorPoint.ts";
import { resolveInputs } from "./resolveInputs.ts";

export { frontierOf, type FrontierModel, type FrontierPoint, type FrontierPoints } from "./frontierOf.ts";

/** Result of {@link efficientFrontier}. */
export interface FrontierResult extends FrontierPoints {
  readonly assets: readonly string[];
  readonly riskFreeRate: number;
}

/**
 * The efficient frontier under the problem's constraints: `points` efficient-return portfolios
 * with targets evenly spaced from the minimum-variance return to the largest attainable return,
 * plus the minimum-variance and max-Sharpe portfolios. Each point is solved exactly (no
 * interpolation); the objective field of the problem is ignored.
 *
 * @example
 * ```ts
 * const frontier = efficientFrontier(problem, { points: 50 });
 * ```
 */
export function efficientFrontier(
  input: unknown,
  { points = 50, ...options }: OptimizeOptions & { points?: number } = {},
): FrontierResult {
  const problem = parseProblem(input);
  const inputs = resolveInputs(
    problem,
    options.estimators ?? defaultEstimators,
    options.files === undefined ? {} : { files: options.files },
  );
  const mu = inputs.expectedReturns;
  if (mu === null) throw new InputError("FIELD_MISSING", "the frontier needs expected returns", "expectedReturns");
  const riskFreeRate = problem.riskFreeRate ?? 0.02;
  const frontier = frontierOf(
    {
      constraints: buildConstraints(problem.constraints, inputs.assets),
      expectedReturns: mu,
      covariance: inputs.covariance,
      riskFreeRate,
      solver: options.qpSolver ?? interiorPointSolver,
    },
    points,
  );
  return { assets: inputs.assets, riskFreeRate, ...frontier, warnings: [...inputs.warnings, ...frontier.warnings] };
}

/**
 * Renders the frontier as a standalone SVG: volatility on x, expected return on y, the
 * minimum-variance and max-Sharpe portfolios marked.
 */
export function frontierSvg(
  frontier: FrontierResult,
  { width = 720, height = 480 }: { width?: number; height?: number } = {},
): string {
  const pad = { left: 70, right: 30, top: 40, bottom: 55 };
  const all = [...frontier.points, frontier.minVariance, ...(frontier.maxSharpe === null ? [] : [frontier.maxSharpe])];
  const xs = all.map((p) => p.volatility);
  const ys = all.map((p) => p.expectedReturn);
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
  const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15">Efficient frontier</text>`,
  ];
  for (let k = 0; k <= 5; k++) {
    const xv = xLo + ((xHi - xLo) * k) / 5;
    const yv = yLo + ((yHi - yLo) * k) / 5;
    parts.push(
      `<line x1="${px(xv).toFixed(1)}" y1="${pad.top}" x2="${px(xv).toFixed(1)}" y2="${height - pad.bottom}" stroke="#eee"/>`,
      `<text x="${px(xv).toFixed(1)}" y="${height - pad.bottom + 18}" text-anchor="middle">${pct(xv)}</text>`,
      `<line x1="${pad.left}" y1="${py(yv).toFixed(1)}" x2="${width - pad.right}" y2="${py(yv).toFixed(1)}" stroke="#eee"/>`,
      `<text x="${pad.left - 8}" y="${(py(yv) + 4).toFixed(1)}" text-anchor="end">${pct(yv)}</text>`,
    );
  }
  parts.push(
    `<rect x="${pad.left}" y="${pad.top}" width="${width - pad.left - pad.right}" height="${height - pad.top - pad.bottom}" fill="none" stroke="#444"/>`,
    `<text x="${width / 2}" y="${height - 12}" text-anchor="middle">Volatility (annualised)</text>`,
    `<text x="18" y="${height / 2}" text-anchor="middle" transform="rotate(-90 18 ${height / 2})">Expected return (annualised)</text>`,
    `<polyline fill="none" stroke="#1f77b4" stroke-width="2" points="${frontier.points.map((p) => `${px(p.volatility).toFixed(1)},${py(p.expectedReturn).toFixed(1)}`).join(" ")}"/>`,
  );
  const mark = (p: FrontierPoint, colour: string, label: string): void => {
    parts.push(
      `<circle cx="${px(p.volatility).toFixed(1)}" cy="${py(p.expectedReturn).toFixed(1)}" r="6" fill="${colour}"/>`,
      // Labels of points in the right half go to their left so they stay inside the plot.
      px(p.volatility) > width / 2
        ? `<text x="${(px(p.volatility) - 10).toFixed(1)}" y="${(py(p.expectedReturn) + 4).toFixed(1)}" text-anchor="end" fill="${colour}">${label} (${pct(p.volatility)}, ${pct(p.expectedReturn)})</text>`
        : `<text x="${(px(p.volatility) + 10).toFixed(1)}" y="${(py(p.expectedReturn) + 4).toFixed(1)}" fill="${colour}">${label} (${pct(p.volatility)}, ${pct(p.expectedReturn)})</text>`,
    );
  };
  mark(frontier.minVariance, "#2ca02c", "min variance");
  if (frontier.maxSharpe !== null)
    mark(frontier.maxSharpe, "#d62728", `max Sharpe ${frontier.maxSharpe.sharpe?.toFixed(2) ?? ""}`);
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}
