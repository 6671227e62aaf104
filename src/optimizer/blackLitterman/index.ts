// Black-Litterman: prior, view uncertainty, posterior, implied weights (docs/black-litterman.md).
export { blackLittermanInputs, type BlackLittermanContext, type BlackLittermanInputs } from "./inputs.ts";
export { heLittermanOmega, idzorekOmega } from "./omega.ts";
export {
  blackLittermanPosterior,
  type BlackLittermanPosteriorParameters,
  type BlackLittermanPosteriorReturnType,
} from "./posterior.ts";
export { impliedPriorReturns, marketWeightsFromCaps, type ImpliedPriorReturnsParameters } from "./prior.ts";
export {
  DEFAULT_TAU,
  blackLittermanSectionSchema,
  blackLittermanViewSchema,
  parseBlackLittermanSection,
  verifiedViewSchema,
  verifiedViewSetSchema,
  resolveTau,
  type BlackLittermanSection,
} from "./section.ts";
export type {
  BlackLittermanView,
  DenseMatrix,
  VerifiedBlackLittermanView,
  VerifiedViewSet,
  ViewSource,
} from "./types.ts";
export { viewsToMatrices, type ViewMatrices } from "./views.ts";
export { blImpliedWeights, type BlImpliedWeightsParameters, type BlImpliedWeightsReturnType } from "./weights.ts";
