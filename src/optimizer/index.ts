/**
 * The optimiser's public API, the package's main entry (`dao-portfolio` or `dao-portfolio/optimizer`):
 * solve a problem (docs/problem-format.md), trace its efficient frontier, turn weights into whole
 * units. Everything is synchronous and pure except {@link optimizeAsync} and {@link allocate}
 * (HiGHS loads its WebAssembly once).
 *
 * @example
 * ```ts
 * import { optimize, InfeasibleError } from "dao-portfolio";
 *
 * const result = optimize({
 *   assets: ["A", "B", "C"],
 *   expectedReturns: [0.08, 0.1, 0.12],
 *   covariance: [[0.04, 0.01, 0], [0.01, 0.09, 0.02], [0, 0.02, 0.16]],
 *   objective: "max-sharpe",
 * });
 * result.weights; // [w_A, w_B, w_C], summing to 1
 * ```
 * @packageDocumentation
 */
export { optimize, optimizeAsync } from "./optimize.ts";
export type {
  BlackLittermanResult,
  ErcResult,
  HrpResult,
  MarkowitzResult,
  OptimizeOptions,
  OptimizeResult,
  OptimizeResultBase,
} from "./optimize.ts";
export { parseProblem, problemSchema } from "./problem.ts";
export type {
  BlackLittermanProblem,
  Constraints,
  CovarianceInput,
  ErcProblem,
  ExpectedReturnsInput,
  HrpProblem,
  MarkowitzProblem,
  OptimizerType,
  PricesInput,
  Problem,
} from "./problem.ts";
export { cvarFrontierSvg, efficientFrontier, frontierSvg } from "./frontier.ts";
export type { FrontierPoint, FrontierResult } from "./frontierOf.ts";
export { allocate, greedyAllocation, integerAllocation } from "./allocation/allocate.ts";
export type { AllocateParameters, AllocatedAsset, AllocationMethod, AllocationResult } from "./allocation/allocate.ts";
export { EXIT_CODES, InfeasibleError, InputError, PortfolioError, RejectedError, type ErrorKind } from "../errors.ts";
export {
  DEFAULT_SEMICOVARIANCE_BENCHMARK,
  estimateCovariance,
  estimateExpectedReturns,
  marketImpliedRiskAversion,
  parsePricesCsv,
  returnsFromPrices,
  type CovarianceEstimate,
  type CovarianceSpec,
  type EstimatorOptions,
  type ExpectedReturnsSpec,
  type PriceTable,
  type ReturnsTable,
} from "./estimators/index.ts";
export { blackLittermanInputs, type BlackLittermanContext, type BlackLittermanInputs } from "./blackLitterman/index.ts";
export {
  groupRiskContributions,
  riskContributions,
  solveRiskBudgeting,
  type RiskBudgetingOptions,
  type RiskBudgetingResult,
} from "./riskParity/index.ts";
export { hierarchicalRiskParity, type HrpInput } from "./hrp/index.ts";
export { symmetricFromRows } from "./matrix.ts";
