// Risk budgeting / risk parity (issue 4): the public surface of the engine.
export {
  groupRiskContributions,
  riskContributions,
  riskDecomposition,
  type RiskDecomposition,
} from "./riskContributions.ts";
export {
  DEFAULT_RISK_BUDGETING_METHOD,
  DEFAULT_RISK_BUDGETING_TOLERANCE,
  solveRiskBudgeting,
} from "./solveRiskBudgeting.ts";
export type {
  LinearConstraint,
  RiskBudgetingMethod,
  RiskBudgetingOptions,
  RiskBudgetingResult,
  WeightBounds,
} from "./types.ts";
export { validateBudgets, validateCovariance } from "./validate.ts";
