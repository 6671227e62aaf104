// EIP-712 investor views: typed data, signing, verification, replay stores (docs/eip712.md).
export { decryptKeystore } from "./keystore.ts";
export { FileNonceStore, MemoryNonceStore, type NonceStore } from "./nonceStore.ts";
export { readSignedViewSet } from "./readSignedViewSet.ts";
export { AllowlistSignerAuthority, RegistrySignerAuthority, type SignerAuthority } from "./signerAuthority.ts";
export {
  checkInvestorView,
  investorViewToJson,
  isInvestorViewDomain,
  parseSignedInvestorView,
  parseSignedViewSetFile,
  signViewSet,
  viewSetRequestToInvestorViews,
  type SignedInvestorView,
  type SignedViewSetFile,
  type ViewRequest,
  type ViewSetRequest,
} from "./signedViewSet.ts";
export { toVerifiedViewSet } from "./toVerifiedViewSet.ts";
export {
  INVESTOR_VIEW_DOMAIN_NAME,
  INVESTOR_VIEW_DOMAIN_VERSION,
  INVESTOR_VIEW_TYPES,
  INVESTOR_VIEW_TYPE_STRING,
  investorViewDigest,
  investorViewDomain,
  investorViewStructHash,
  signInvestorView,
  viewSetCommitment,
  type InvestorView,
  type InvestorViewDomain,
} from "./typedData.ts";
export {
  ERC1271_MAGIC_VALUE,
  VIEW_REJECTION_CODES,
  verifyViews,
  type AcceptedView,
  type Erc1271Reader,
  type VerifyViewsParameters,
  type VerifyViewsReturnType,
  type ViewLogger,
  type ViewRejection,
  type ViewRejectionCode,
} from "./verifyViews.ts";
export { WAD, fromWad, toWad } from "../protocol/fixedPoint.ts";
