// Child process of bench/endToEndPhases.ts: where the time of one `optimize()` call goes, phase by
// phase, in a fresh process (the first call) and warm (median of `repeat` calls after `warmup`).
// It runs the steps `optimize()` runs, in its order (src/optimizer/optimize.ts), each timed; the
// Σ validation and PSD check inside `inputs` are then timed again on their own. Prints one JSON line.
//
//   node bench/endToEndPhasesRunner.ts problem.json [repeat] [warmup]
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { ensurePsd } from "../src/optimizer/covariance.ts";
import { defaultEstimators } from "../src/optimizer/defaultEstimators.ts";
import { markowitzBranch } from "../src/optimizer/branches/markowitz.ts";
import { buildConstraints } from "../src/optimizer/markowitz/constraints.ts";
import { symmetricFromRows } from "../src/optimizer/matrix.ts";
import { parseProblem, type MeanVarianceProblem } from "../src/optimizer/problem.ts";
import { interiorPointSolver } from "../src/optimizer/qp/interiorPoint.ts";
import { constraintReports, portfolioStatistics } from "../src/optimizer/report.ts";
import { resolveInputs } from "../src/optimizer/resolveInputs.ts";
import { PHASES, type PhaseTimes } from "./endToEndPhases.ts";

function timedCall(input: unknown): PhaseTimes {
  let start = performance.now();
  const lap = (): number => {
    const now = performance.now();
    const ms = now - start;
    start = now;
    return ms;
  };
  const problem = parseProblem(input) as MeanVarianceProblem;
  const parse = lap();
  const inputs = resolveInputs(problem, defaultEstimators);
  const inputsMs = lap();
  const constraints = buildConstraints(problem.constraints, inputs.assets);
  const constraintsMs = lap();
  const outcome = markowitzBranch({ problem, inputs, constraints, solver: interiorPointSolver, riskFreeRate: 0.02 });
  const solve = lap();
  if (outcome.weights === null) throw new Error(`status ${outcome.status}`);
  portfolioStatistics(outcome.weights, inputs.expectedReturns, inputs.covariance, 0.02);
  constraintReports(constraints, outcome.weights, inputs.covariance, inputs.assets);
  const report = lap();
  let validate = 0;
  let psd = 0;
  if (Array.isArray(problem.covariance)) {
    const sigma = symmetricFromRows(problem.covariance, "covariance");
    validate = lap();
    ensurePsd(sigma.data, sigma.n);
    psd = lap();
  }
  return {
    parse,
    inputs: inputsMs,
    "validate Σ": validate,
    "PSD check": psd,
    constraints: constraintsMs,
    solve,
    report,
  };
}

const [path, repeatArg, warmupArg] = process.argv.slice(2);
if (path === undefined) throw new Error("usage: node bench/endToEndPhasesRunner.ts problem.json [repeat] [warmup]");
const text = readFileSync(path, "utf8");
const first = timedCall(JSON.parse(text));
for (let i = 0; i < Number(warmupArg ?? 4); i++) timedCall(JSON.parse(text));
const runs = Array.from({ length: Number(repeatArg ?? 9) }, () => timedCall(JSON.parse(text)));
const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
const warm = Object.fromEntries(PHASES.map((p) => [p, median(runs.map((r) => r[p]))])) as PhaseTimes;
process.stdout.write(`${JSON.stringify({ first, warm })}\n`);
