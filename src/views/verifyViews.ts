// Verification of signed investor views before any use. Every view is checked on its own; a
// rejected view is reported with a stable code, logged, and never returned to the maths.
import { getAddress, isAddressEqual, type Address, type Hex } from "viem";
import type { NonceStore } from "./nonceStore.ts";
import type { SignerAuthority } from "./signerAuthority.ts";
import { isInvestorViewDomain, parseSignedInvestorView, type SignedViewSetFile } from "./signedViewSet.ts";
import { investorViewDigest, viewSetCommitment, type InvestorView } from "./typedData.ts";
import { signatureIsValid, type Erc1271Reader } from "./viewSignature.ts";

export { ERC1271_MAGIC_VALUE } from "./viewSignature.ts";

/** Why a view was rejected. Stable: logs, alerts and the CLI report these strings. */
export type ViewRejectionCode =
  | "VIEW_MALFORMED"
  | "VIEW_WRONG_DOMAIN"
  | "VIEW_WRONG_CHAIN"
  | "VIEW_WRONG_CONTRACT"
  | "VIEW_EXPIRED"
  | "VIEW_BAD_SIGNATURE"
  | "VIEW_SIGNER_UNAUTHORISED"
  | "VIEW_NONCE_REPLAYED"
  | "VIEW_STALE_VERSION";

/** Every rejection code, in the order the checks run. */
export const VIEW_REJECTION_CODES: readonly ViewRejectionCode[] = [
  "VIEW_MALFORMED",
  "VIEW_WRONG_DOMAIN",
  "VIEW_WRONG_CHAIN",
  "VIEW_WRONG_CONTRACT",
  "VIEW_EXPIRED",
  "VIEW_BAD_SIGNATURE",
  "VIEW_SIGNER_UNAUTHORISED",
  "VIEW_NONCE_REPLAYED",
  "VIEW_STALE_VERSION",
];

/** One rejected view. */
export interface ViewRejection {
  /** Position of the view in the file. */
  readonly index: number;
  readonly code: ViewRejectionCode;
  readonly message: string;
  /** The offending field, e.g. `views[2].view.confidence`, for malformed views. */
  readonly field?: string | undefined;
  readonly signer?: Address | undefined;
  readonly digest?: Hex | undefined;
}

/** One accepted view: safe to feed to the Black-Litterman maths. */
export interface AcceptedView {
  readonly index: number;
  readonly view: InvestorView;
  readonly digest: Hex;
  readonly signature: Hex;
}

/** A pino-compatible logger (pino's `Logger` satisfies it). */
export interface ViewLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/** Reads ERC-1271 `isValidSignature` for contract signers (a viem PublicClient satisfies it). */
export type { Erc1271Reader } from "./viewSignature.ts";

export interface VerifyViewsParameters {
  /** Chain the keeper runs on; the view's domain must name it. */
  readonly chainId: number;
  /** The ModelRegistry address; the view's domain must name it as verifying contract. */
  readonly registry: Address;
  /** Current unix time in seconds (passed in, so verification is reproducible). */
  readonly now: bigint;
  readonly authority: SignerAuthority;
  readonly nonces: NonceStore;
  /** Needed only for contract signers; without it an ERC-1271 signature is rejected. */
  readonly erc1271?: Erc1271Reader | undefined;
  readonly logger?: ViewLogger | undefined;
  /**
   * Record accepted nonces and the view-set version in `nonces` (default true). A dry run
   * (`portfolio views verify`) passes false.
   */
  readonly commit?: boolean | undefined;
}

export interface VerifyViewsReturnType {
  readonly accepted: readonly AcceptedView[];
  readonly rejections: readonly ViewRejection[];
  /** keccak256 of the accepted views' digests in file order: what goes on-chain with the rebalance. */
  readonly commitment: Hex;
}

/**
 * Verifies every view of a signed view set, in this order: well formed (`VIEW_MALFORMED`), domain
 * name and version (`VIEW_WRONG_DOMAIN`), chain id (`VIEW_WRONG_CHAIN`), verifying contract =
 * the registry (`VIEW_WRONG_CONTRACT`), `now <= validUntil` (`VIEW_EXPIRED`), signature by
 * `view.signer`, ECDSA or ERC-1271 (`VIEW_BAD_SIGNATURE`), signer authorised
 * (`VIEW_SIGNER_UNAUTHORISED`), (signer, nonce) unused in the store and in the file
 * (`VIEW_NONCE_REPLAYED`), `viewSetVersion >=` the last accepted version (`VIEW_STALE_VERSION`).
 * Each rejection is logged at warn level. Accepted nonces and the highest accepted version are
 * recorded only after all views are checked, and only when `commit` is not false.
 *
 * @example
 * ```ts
 * const { accepted, rejections, commitment } = await verifyViews(file, {
 *   chainId: 31337,
 *   registry,
 *   now: BigInt(Math.floor(Date.now() / 1000)),
 *   authority: new AllowlistSignerAuthority([signer]),
 *   nonces: new MemoryNonceStore(),
 * });
 * ```
 */
export async function verifyViews(
  file: SignedViewSetFile,
  params: VerifyViewsParameters,
): Promise<VerifyViewsReturnType> {
  const { domain } = file;
  const accepted: AcceptedView[] = [];
  const rejections: ViewRejection[] = [];
  const lastVersion = await params.nonces.lastAcceptedVersion();
  const seenInFile = new Set<string>();

  const reject = (rejection: ViewRejection): void => {
    rejections.push(rejection);
    params.logger?.warn(
      { ...rejection, event: "view_rejected" },
      `investor view ${rejection.index} rejected: ${rejection.code}`,
    );
  };

  for (const [index, raw] of file.views.entries()) {
    const parsed = parseSignedInvestorView(raw);
    if (!parsed.ok) {
      const field = parsed.field === "" ? `views[${index}]` : `views[${index}].${parsed.field}`;
      reject({ index, code: "VIEW_MALFORMED", message: `${field}: ${parsed.message}`, field });
      continue;
    }
    const { view, signature } = parsed.value;
    const signer = view.signer;
    if (!isInvestorViewDomain(domain)) {
      reject({ index, code: "VIEW_WRONG_DOMAIN", message: `domain is "${domain.name}" v${domain.version}`, signer });
      continue;
    }
    const digest = investorViewDigest(domain, view);
    if (domain.chainId !== params.chainId) {
      reject({
        index,
        code: "VIEW_WRONG_CHAIN",
        message: `signed for chain ${domain.chainId}, expected ${params.chainId}`,
        signer,
        digest,
      });
      continue;
    }
    if (!isAddressEqual(domain.verifyingContract, params.registry)) {
      const message = `signed for registry ${domain.verifyingContract}, expected ${getAddress(params.registry)}`;
      reject({ index, code: "VIEW_WRONG_CONTRACT", message, signer, digest });
      continue;
    }
    if (params.now > view.validUntil) {
      reject({
        index,
        code: "VIEW_EXPIRED",
        message: `valid until ${view.validUntil}, now ${params.now}`,
        signer,
        digest,
      });
      continue;
    }
    if (!(await signatureIsValid(digest, signature, signer, domain, view, params.erc1271))) {
      reject({ index, code: "VIEW_BAD_SIGNATURE", message: `signature is not ${signer}'s`, signer, digest });
      continue;
    }
    if (!(await params.authority.isViewSigner(signer))) {
      reject({
        index,
        code: "VIEW_SIGNER_UNAUTHORISED",
        message: `${signer} is not an authorised view signer`,
        signer,
        digest,
      });
      continue;
    }
    const nonceKey = `${signer.toLowerCase()}:${view.nonce}`;
    if (seenInFile.has(nonceKey) || (await params.nonces.isUsed(signer, view.nonce))) {
      reject({
        index,
        code: "VIEW_NONCE_REPLAYED",
        message: `nonce ${view.nonce} of ${signer} was already used`,
        signer,
        digest,
      });
      continue;
    }
    if (lastVersion !== null && view.viewSetVersion < lastVersion) {
      const message = `view-set version ${view.viewSetVersion} is older than the last accepted ${lastVersion}`;
      reject({ index, code: "VIEW_STALE_VERSION", message, signer, digest });
      continue;
    }
    seenInFile.add(nonceKey);
    accepted.push({ index, view, digest, signature });
    params.logger?.info(
      { event: "view_accepted", index, signer, digest, nonce: view.nonce.toString() },
      `investor view ${index} accepted`,
    );
  }

  if (params.commit !== false && accepted.length > 0) {
    for (const { view } of accepted) await params.nonces.markUsed(view.signer, view.nonce);
    const highest = accepted.reduce((m, { view }) => (view.viewSetVersion > m ? view.viewSetVersion : m), 0n);
    if (lastVersion === null || highest > lastVersion) await params.nonces.setLastAcceptedVersion(highest);
  }
  return { accepted, rejections, commitment: viewSetCommitment(accepted.map((a) => a.digest)) };
}
