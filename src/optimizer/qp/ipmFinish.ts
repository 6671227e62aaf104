/* eslint-disable @typescript-eslint/no-non-null-assertion -- hot kernels index typed arrays inside their checked dimensions */
// What the interior-point method returns once its iterations stop: a polished optimum, the
// interior point itself, or a failure with its residuals.
import { activeSetOf, boundMultipliers, kktResiduals, objectiveValue } from "./operators.ts";
import { polishOnActiveSet, type PolishedPoint } from "./polish.ts";
import type { QpProblem, QpSolution } from "./types.ts";

/** State of the iterations when they stopped. */
export interface IpmOutcome {
  /** `"optimal"` when the stopping tests passed, else why the loop ended. */
  readonly status: QpSolution["status"];
  readonly message: string;
  readonly iterations: number;
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** The best merit reached and its iterate. */
  readonly bestMerit: number;
  readonly bestX: Float64Array;
  readonly bestY: Float64Array;
}

function polishedSolution(p: QpProblem, polished: PolishedPoint, iterations: number): QpSolution {
  return {
    status: "optimal",
    x: polished.x,
    rowDual: polished.y,
    boundDual: polished.z,
    objective: objectiveValue(p, polished.x),
    iterations,
    residuals: polished.residuals,
    activeSet: activeSetOf(p, polished.x, polished.y, polished.z),
    solver: "ipm+polish",
  };
}

/** Turns the outcome into a solution, polishing on the identified active set when asked. */
export function finishInteriorPoint(p: QpProblem, outcome: IpmOutcome, polish: boolean): QpSolution {
  const { status, message, iterations, x, y, bestMerit, bestX, bestY } = outcome;
  const n = p.nx;
  if (status === "error" && bestMerit < 1e-6) {
    // Rounding stalled the last digits: the best iterate usually identifies the active set, and
    // polishing on it either yields a verified KKT point or fails and reports the error below.
    const zb = boundMultipliers(p, bestX, bestY);
    const polished = polishOnActiveSet(p, activeSetOf(p, bestX, bestY, zb));
    if (polished !== null) return polishedSolution(p, polished, iterations);
  }
  if (status !== "optimal") {
    const z = boundMultipliers(p, x, y);
    return {
      status,
      x,
      rowDual: y,
      boundDual: z,
      objective: objectiveValue(p, x),
      iterations,
      residuals: kktResiduals(p, x, y, z),
      activeSet: {
        bounds: new Int8Array(p.nx),
        rows: new Int8Array(p.rows.length),
      },
      solver: "ipm",
      message,
    };
  }
  // Clip the tiny interior margins and polish on the identified active set.
  for (let j = 0; j < n; j++) x[j] = Math.min(Math.max(x[j]!, p.lower[j]!), p.upper[j]!);
  const z = boundMultipliers(p, x, y);
  const active = activeSetOf(p, x, y, z);
  if (!polish) {
    return unpolished(p, x, y, z, iterations, active);
  }
  // Degenerate variables (at a bound with a zero multiplier) sit ~√μ from it; if the first guess
  // leaves the reduced KKT system singular, fix everything within 1e-7 of a bound and retry.
  const polished = polishOnActiveSet(p, active) ?? polishOnActiveSet(p, activeSetOf(p, x, y, z, 1e-7));
  if (polished !== null) return polishedSolution(p, polished, iterations);
  return unpolished(p, x, y, z, iterations, active);
}

/** The interior point's own optimum, reported as it is (no polishing, or polishing failed). */
function unpolished(
  p: QpProblem,
  x: Float64Array,
  y: Float64Array,
  z: Float64Array,
  iterations: number,
  active: QpSolution["activeSet"],
): QpSolution {
  return {
    status: "optimal",
    x,
    rowDual: y,
    boundDual: z,
    objective: objectiveValue(p, x),
    iterations,
    residuals: kktResiduals(p, x, y, z),
    activeSet: active,
    solver: "ipm",
  };
}
