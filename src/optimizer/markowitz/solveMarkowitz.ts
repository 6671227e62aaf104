/* eslint-disable @typescript-eslint/no-non-null-assertion -- kernels index typed arrays inside their checked dimensions */
import { InputError } from "../../errors.ts";
import { covarianceBilinear, covarianceMatVec } from "../covariance.ts";
import type { ActiveSet, QpCovariance, QpSolution, QpSolver } from "../qp/types.ts";
import type { PortfolioConstraints } from "./constraints.ts";
import { diagnoseLinearFeasibility, type Infeasibility } from "./feasibility.ts";
import { formulate, formulateMaxSharpe, type WeightObjective } from "./formulate.ts";

/** The five Markowitz objectives of the problem format. */
export type MarkowitzObjective =
  "min-variance" | "max-sharpe" | "quadratic-utility" | "efficient-risk" | "efficient-return";

/** Objective parameters; rates and volatilities annualised, as fractions. */
export interface MarkowitzSpec {
  readonly objective: MarkowitzObjective;
  readonly riskFreeRate: number;
  /** δ of quadratic utility μ'w − (δ/2)·w'Σw. */
  readonly riskAversion: number;
  readonly targetVolatility?: number;
  readonly targetReturn?: number;
  /** Added to the objective's linear coefficients g (minimise a·w'Σw − g'w): a penalty's linear part. */
  readonly extraLinear?: Float64Array;
}

/** Solution of one Markowitz problem. */
export interface PortfolioSolution {
  readonly status: "optimal" | "unbounded" | "error";
  readonly weights: Float64Array;
  /** The last QP solved (its residuals and active set). */
  readonly last: QpSolution;
  /** Interior-point iterations over every QP solved (bisection steps included). */
  readonly iterations: number;
  readonly qpSolves: number;
  /** Multipliers ν of the quadratic constraints (tracking error, target volatility). */
  readonly multipliers: Readonly<Record<string, number>>;
  readonly warnings: readonly string[];
}

export type MarkowitzOutcome =
  | { readonly kind: "solved"; readonly solution: PortfolioSolution }
  | { readonly kind: "infeasible"; readonly infeasibility: Infeasibility };

interface QuadraticConstraint {
  readonly name: string;
  /** Centre b of (w − b)'Σ(w − b) ≤ limit². */
  readonly centre: Float64Array;
  readonly limit: number;
}

/**
 * The active set of the last solve, shared across calls that re-solve similar problems (frontier
 * points, resampling draws, bisection steps) so each starts warm.
 */
export interface WarmStartCache {
  activeSet?: ActiveSet;
  rows?: number;
  variables?: number;
}

/** Thrown out of a {@link Session} when phase 1 proves the linear constraints inconsistent. */
class LinearlyInfeasible extends Error {
  readonly infeasibility: Infeasibility;
  constructor(infeasibility: Infeasibility) {
    super(infeasibility.message);
    this.infeasibility = infeasibility;
  }
}

/**
 * Solves one QP of the form min a·w'Σw − g'w under pc, warm-started from the last active set.
 *
 * Phase 1 (the elastic programme of feasibility.ts, as long as a solve at n = 500) runs only when
 * a solve is not optimal: an optimal solve is a point that meets every linear constraint (its
 * primal residual is within the solver's tolerance), which already proves them consistent.
 */
class Session {
  iterations = 0;
  solves = 0;
  readonly pc: PortfolioConstraints;
  readonly cov: QpCovariance;
  readonly solver: QpSolver;
  private readonly warm: WarmStartCache;
  private feasibilityChecked = false;
  constructor(pc: PortfolioConstraints, cov: QpCovariance, solver: QpSolver, warm: WarmStartCache = {}) {
    this.pc = pc;
    this.cov = cov;
    this.solver = solver;
    this.warm = warm;
  }

  solve(objective: WeightObjective): { w: Float64Array; sol: QpSolution } {
    const f = formulate(this.pc, this.cov, objective);
    const set = this.warm.activeSet;
    const usable = set !== undefined && this.warm.variables === f.qp.nx && this.warm.rows === f.qp.rows.length;
    const sol = this.solver.solve(f.qp, usable ? { warmStart: set } : {});
    this.iterations += sol.iterations;
    this.solves++;
    if (sol.status === "optimal") {
      this.feasibilityChecked = true;
      this.warm.activeSet = sol.activeSet;
      this.warm.variables = f.qp.nx;
      this.warm.rows = f.qp.rows.length;
    } else this.checkFeasibility();
    return { w: f.toWeights(sol.x), sol };
  }

  /** After a failed solve: throws {@link LinearlyInfeasible} when phase 1 finds a conflict (once). */
  checkFeasibility(): void {
    if (this.feasibilityChecked) return;
    this.feasibilityChecked = true;
    const infeasible = diagnoseLinearFeasibility(this.pc, this.solver);
    if (infeasible !== null) throw new LinearlyInfeasible(infeasible);
  }
}

function quadraticValue(cov: QpCovariance, w: Float64Array, centre: Float64Array): number {
  const d = Float64Array.from(w, (v, i) => v - centre[i]!);
  return covarianceBilinear(cov, d, d);
}

/**
 * Adds ν·(w − b)'Σ(w − b) to the objective: a += ν, g += 2ν·Σb (the constant is dropped).
 */
function withMultiplier(
  cov: QpCovariance,
  base: WeightObjective,
  qc: QuadraticConstraint,
  nu: number,
): WeightObjective {
  if (nu === 0) return base;
  const sb = new Float64Array(base.g.length);
  covarianceMatVec(cov, qc.centre, sb);
  return { a: base.a + nu, g: Float64Array.from(base.g, (v, i) => v + 2 * nu * sb[i]!) };
}

/**
 * Solves min f(w) s.t. q_j(w) ≤ c_j for convex quadratic q_j = (w − b_j)'Σ(w − b_j) through the
 * Lagrangian: by convex duality (Boyd & Vandenberghe, *Convex Optimization*, §5.5.3) the optimum
 * minimises f + Σ ν_j (q_j − c_j) at multipliers ν ≥ 0 with complementary slackness, and q_j(w(ν))
 * is non-increasing in ν_j (the derivative of the concave dual). Each ν_j is found by a safeguarded
 * regula falsi (Illinois) on q_j(w(ν)) = c_j, nested when there are two constraints, and the
 * returned point is always on the feasible side (q_j ≤ c_j·(1 + 1e-9)).
 */
function solveWithQuadraticConstraints(
  session: Session,
  base: WeightObjective,
  qcs: readonly QuadraticConstraint[],
): { w: Float64Array; sol: QpSolution; multipliers: Record<string, number> } | { infeasible: string } {
  const cov = session.cov;
  const level = (
    index: number,
    objective: WeightObjective,
  ): { w: Float64Array; sol: QpSolution; multipliers: Record<string, number> } | { infeasible: string } => {
    const qc = qcs[index];
    if (qc === undefined) {
      const r = session.solve(objective);
      return { ...r, multipliers: {} };
    }
    const limit2 = qc.limit * qc.limit;
    const run = (nu: number): { h: number; out: ReturnType<typeof level> } => {
      const out = level(index + 1, withMultiplier(cov, objective, qc, nu));
      if ("infeasible" in out) return { h: Number.NaN, out };
      if (out.sol.status !== "optimal") return { h: Infinity, out };
      return { h: quadraticValue(cov, out.w, qc.centre) - limit2, out };
    };
    const tolH = 1e-10 * limit2;
    const at0 = run(0);
    if ("infeasible" in at0.out) return at0.out;
    if (at0.h <= tolH) {
      return { ...at0.out, multipliers: { ...at0.out.multipliers, [qc.name]: 0 } };
    }
    let lo = 0;
    let hLo = at0.h;
    let hi = 1;
    let probe = run(hi);
    for (let k = 0; k < 80 && !(probe.h <= 0); k++) {
      if (!Number.isNaN(probe.h) && Number.isFinite(probe.h)) {
        lo = hi;
        hLo = probe.h;
      }
      hi *= 4;
      probe = run(hi);
    }
    if (!(probe.h <= 0)) return { infeasible: qc.name };
    let best = probe;
    let hHi = probe.h;
    let side = 0;
    for (let k = 0; k < 200 && -hHi > tolH && hi - lo > 1e-15 * hi; k++) {
      // Illinois: halve the weight of the end point that stays put twice.
      let mid = Number.isFinite(hLo) ? (lo * -hHi + hi * hLo) / (hLo - hHi) : (lo + hi) / 2;
      if (!(mid > lo && mid < hi)) mid = (lo + hi) / 2;
      const r = run(mid);
      if (!(r.h > 0)) {
        hi = mid;
        hHi = r.h;
        best = r;
        if (side === 1) hLo /= 2;
        side = 1;
      } else {
        lo = mid;
        hLo = r.h;
        if (side === -1) hHi /= 2;
        side = -1;
      }
    }
    if ("infeasible" in best.out) return best.out;
    return { ...best.out, multipliers: { ...best.out.multipliers, [qc.name]: hi } };
  };
  return level(0, base);
}

const unsupportedWithMaxSharpe = (pc: PortfolioConstraints): string | null => {
  if (pc.reference !== null) return "turnover and transaction costs";
  if (pc.trackingError !== null) return "trackingError";
  if (pc.l2Gamma !== 0) return "penalties.l2Gamma";
  if (pc.trackingErrorPenalty !== null) return "penalties.trackingError";
  return null;
};

/**
 * Solves a Markowitz problem under constraints `pc` with a QP backend: the quadratic constraints'
 * attainability, then the objective. The first solve that is not optimal runs phase 1 on the
 * linear constraints, which names a minimal conflicting set when they admit no portfolio.
 *
 * @example
 * ```ts
 * const outcome = solveMarkowitz(pc, mu, sigma, { objective: "min-variance", riskFreeRate: 0.02, riskAversion: 1 }, interiorPointSolver);
 * ```
 */
export function solveMarkowitz(
  pcIn: PortfolioConstraints,
  mu: Float64Array | null,
  cov: QpCovariance,
  spec: MarkowitzSpec,
  solver: QpSolver,
  warm: WarmStartCache = {},
): MarkowitzOutcome {
  const n = pcIn.n;
  if (pcIn.marketImpact !== null) {
    // Its 3/2-power term is not quadratic: markowitz/marketImpact.ts solves it by a sequence of these.
    throw new InputError(
      "OBJECTIVE_UNSUPPORTED",
      "penalties.marketImpact applies to optimize()'s MARKOWITZ objectives only (not the frontier or resampling)",
      "constraints.penalties.marketImpact",
    );
  }
  const needMu = spec.objective !== "min-variance";
  if (needMu && mu === null) {
    throw new InputError("FIELD_MISSING", `required by objective "${spec.objective}"`, "expectedReturns");
  }
  const muV = mu ?? new Float64Array(n);
  let pc = pcIn;
  if (spec.objective === "efficient-return") {
    if (spec.targetReturn === undefined)
      throw new InputError("FIELD_MISSING", "required by efficient-return", "targetReturn");
    pc = { ...pc, rows: [...pc.rows, { name: "targetReturn", coef: muV, lower: spec.targetReturn, upper: Infinity }] };
  }
  if (spec.objective === "efficient-risk" && spec.targetVolatility === undefined) {
    throw new InputError("FIELD_MISSING", "required by efficient-risk", "targetVolatility");
  }
  const session = new Session(pc, cov, solver, warm);
  try {
    return solveInSession(session, muV, spec);
  } catch (error) {
    if (error instanceof LinearlyInfeasible) return { kind: "infeasible", infeasibility: error.infeasibility };
    throw error;
  }
}

/** {@link solveMarkowitz} after its argument checks: attainability, then the objective. */
function solveInSession(session: Session, muV: Float64Array, spec: MarkowitzSpec): MarkowitzOutcome {
  const { pc, cov, solver } = session;
  const n = pc.n;
  const warnings: string[] = [];
  const qcs: QuadraticConstraint[] = [];
  if (pc.trackingError !== null) {
    qcs.push({ name: "trackingError", centre: pc.trackingError.benchmark, limit: pc.trackingError.max });
  }
  if (spec.objective === "efficient-risk") {
    qcs.push({ name: "targetVolatility", centre: new Float64Array(n), limit: spec.targetVolatility ?? 0 });
  }
  // Attainability of each quadratic constraint alone: its minimum over the linear constraints.
  for (const qc of qcs) {
    const sb = new Float64Array(n);
    covarianceMatVec(cov, qc.centre, sb);
    const { w, sol } = session.solve({ a: 1, g: Float64Array.from(sb, (v) => 2 * v) });
    if (sol.status !== "optimal") continue;
    const smallest = Math.sqrt(Math.max(0, quadraticValue(cov, w, qc.centre)));
    if (smallest > qc.limit * (1 + 1e-9)) {
      const label = qc.name === "trackingError" ? `trackingError.max ${qc.limit}` : `targetVolatility ${qc.limit}`;
      const what = qc.name === "trackingError" ? "tracking error" : "volatility";
      return {
        kind: "infeasible",
        infeasibility: {
          conflicts: [label, "the linear constraints"],
          message: `${label} conflicts with the linear constraints: the smallest attainable ${what} is ${smallest.toPrecision(6)}`,
        },
      };
    }
  }

  if (spec.objective === "max-sharpe") {
    const unsupported = unsupportedWithMaxSharpe(pc);
    if (unsupported !== null) {
      throw new InputError(
        "OBJECTIVE_UNSUPPORTED",
        `max-sharpe does not support ${unsupported} (the ratio is not convex with them); use efficient-risk or quadratic-utility`,
        "objective",
      );
    }
    const excess = Float64Array.from(muV, (v) => v - spec.riskFreeRate);
    const best = session.solve({ a: 0, g: excess });
    let bestExcess = 0;
    for (let i = 0; i < n; i++) bestExcess += excess[i]! * best.w[i]!;
    if (best.sol.status === "optimal" && !(bestExcess > 1e-12)) {
      return {
        kind: "infeasible",
        infeasibility: {
          conflicts: [`riskFreeRate ${spec.riskFreeRate}`, "the constraints"],
          message: `riskFreeRate ${spec.riskFreeRate} conflicts with the constraints: no feasible portfolio has an expected return above it, so the Sharpe ratio cannot be maximised`,
        },
      };
    }
    const f = formulateMaxSharpe(pc, cov, excess);
    const sol = solver.solve(f.qp);
    if (sol.status !== "optimal") session.checkFeasibility();
    return {
      kind: "solved",
      solution: {
        status: sol.status === "optimal" ? "optimal" : sol.status === "unbounded" ? "unbounded" : "error",
        weights: f.toWeights(sol.x),
        last: sol,
        iterations: session.iterations + sol.iterations,
        qpSolves: session.solves + 1,
        multipliers: {},
        warnings,
      },
    };
  }

  const plain: WeightObjective =
    spec.objective === "quadratic-utility"
      ? { a: spec.riskAversion / 2, g: muV }
      : spec.objective === "efficient-risk"
        ? { a: 0, g: muV }
        : { a: 1, g: new Float64Array(n) };
  const extra = spec.extraLinear;
  const base = extra === undefined ? plain : { a: plain.a, g: Float64Array.from(plain.g, (v, i) => v + extra[i]!) };
  // The soft tracking-error term has the quadratic constraints' own form: a += λ, g += 2λ·Σb.
  const penalty = pc.trackingErrorPenalty;
  const objective =
    penalty === null
      ? base
      : withMultiplier(
          cov,
          base,
          { name: "penalties.trackingError", centre: penalty.benchmark, limit: 0 },
          penalty.lambda,
        );
  const out = solveWithQuadraticConstraints(session, objective, qcs);
  if ("infeasible" in out) {
    return {
      kind: "infeasible",
      infeasibility: {
        conflicts: qcs.map((q) =>
          q.name === "trackingError" ? `trackingError.max ${q.limit}` : `targetVolatility ${q.limit}`,
        ),
        message: `${qcs.map((q) => q.name).join(" and ")} cannot hold together under the linear constraints`,
      },
    };
  }
  const status = out.sol.status;
  return {
    kind: "solved",
    solution: {
      status: status === "optimal" ? "optimal" : status === "unbounded" ? "unbounded" : "error",
      weights: out.w,
      last: out.sol,
      iterations: session.iterations,
      qpSolves: session.solves,
      multipliers: out.multipliers,
      warnings,
    },
  };
}
