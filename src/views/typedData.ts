// EIP-712 typed data of an investor view: the domain, the types, the struct hash, the digest and
// the commitment of a view set. docs/eip712.md states every formula here with a worked example;
// contracts/libraries/InvestorViewHash.sol computes the same values on-chain.
import {
  concat,
  hashStruct,
  hashTypedData,
  keccak256,
  type Address,
  type Hex,
  type LocalAccount,
  type TypedDataDomain,
} from "viem";

/** EIP-712 domain name of investor views (fixed: a view signed under another name is not ours). */
export const INVESTOR_VIEW_DOMAIN_NAME = "DAO Portfolio Views";
/** EIP-712 domain version; bumped only when the InvestorView type changes. */
export const INVESTOR_VIEW_DOMAIN_VERSION = "1";

/**
 * The EIP-712 types of an investor view. Every number is an integer; fractions and returns are
 * 1e18 fixed point (WAD): `pick[i]` is the view portfolio's weight on `assets[i]` (1e18 = 1), `q`
 * its expected annualised return (2e17 = 20 %), `confidence` Idzorek's confidence in (0, 1e18]
 * or 0 when `omega` (the view's return variance, WAD) is given explicitly instead.
 */
export const INVESTOR_VIEW_TYPES = {
  InvestorView: [
    { name: "viewSetVersion", type: "uint64" },
    { name: "assets", type: "string[]" },
    { name: "pick", type: "int256[]" },
    { name: "q", type: "int256" },
    { name: "confidence", type: "uint256" },
    { name: "omega", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "validUntil", type: "uint64" },
    { name: "signer", type: "address" },
  ],
} as const;

/** The canonical type string whose keccak256 is the type hash (`INVESTOR_VIEW_TYPEHASH` on-chain). */
export const INVESTOR_VIEW_TYPE_STRING =
  "InvestorView(uint64 viewSetVersion,string[] assets,int256[] pick,int256 q,uint256 confidence,uint256 omega,uint256 nonce,uint64 validUntil,address signer)";

/** One investor view as signed. Integers are bigint; see {@link INVESTOR_VIEW_TYPES} for units. */
export interface InvestorView {
  /** Version of the view set this view belongs to; never lower than the last accepted version. */
  readonly viewSetVersion: bigint;
  /** Asset ids as they appear in the problem's `assets`, e.g. "WETH". */
  readonly assets: readonly string[];
  /** Picking weights, 1e18 fixed point, one per entry of `assets`. */
  readonly pick: readonly bigint[];
  /** Expected annualised return of the view portfolio, 1e18 fixed point. */
  readonly q: bigint;
  /** Idzorek confidence in (0, 1e18]; 0 means `omega` holds the view's variance. */
  readonly confidence: bigint;
  /** Explicit view variance (annualised, 1e18 fixed point), used only when `confidence` is 0. */
  readonly omega: bigint;
  /** Per-signer nonce; each (signer, nonce) is accepted once. */
  readonly nonce: bigint;
  /** Unix time in seconds after which the view is expired. */
  readonly validUntil: bigint;
  /** The address that signs (an EOA or an ERC-1271 contract wallet). */
  readonly signer: Address;
}

/** The EIP-712 domain of investor views: chain and ModelRegistry address. */
export interface InvestorViewDomain {
  readonly name: string;
  readonly version: string;
  readonly chainId: number;
  /** The ModelRegistry, which authorises view signers. */
  readonly verifyingContract: Address;
}

/**
 * The domain for a chain and a ModelRegistry, with the fixed name and version.
 *
 * @example
 * ```ts
 * const domain = investorViewDomain({ chainId: 1, registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3" });
 * ```
 */
export function investorViewDomain({ chainId, registry }: { chainId: number; registry: Address }): InvestorViewDomain {
  return {
    name: INVESTOR_VIEW_DOMAIN_NAME,
    version: INVESTOR_VIEW_DOMAIN_VERSION,
    chainId,
    verifyingContract: registry,
  };
}

function typedDataDomain(domain: InvestorViewDomain): TypedDataDomain {
  return { ...domain };
}

// viem's typed-data helpers want mutable arrays.
function message(view: InvestorView): Omit<InvestorView, "assets" | "pick"> & { assets: string[]; pick: bigint[] } {
  return { ...view, assets: [...view.assets], pick: [...view.pick] };
}

/**
 * hashStruct(view) = keccak256(abi.encode(TYPEHASH, viewSetVersion, keccak256(concat(keccak256(asset_i))),
 * keccak256(concat(pick_i)), q, confidence, omega, nonce, validUntil, signer)) (EIP-712 `encodeData`).
 *
 * @example
 * ```ts
 * const structHash = investorViewStructHash(view);
 * ```
 */
export function investorViewStructHash(view: InvestorView): Hex {
  return hashStruct({ data: message(view), primaryType: "InvestorView", types: INVESTOR_VIEW_TYPES });
}

/**
 * The EIP-712 digest keccak256(0x1901 ‖ domainSeparator ‖ hashStruct(view)): what is signed.
 *
 * @example
 * ```ts
 * const digest = investorViewDigest(domain, view);
 * ```
 */
export function investorViewDigest(domain: InvestorViewDomain, view: InvestorView): Hex {
  return hashTypedData({
    domain: typedDataDomain(domain),
    types: INVESTOR_VIEW_TYPES,
    primaryType: "InvestorView",
    message: message(view),
  });
}

/**
 * Commitment of an ordered view set: keccak256(digest_0 ‖ digest_1 ‖ … ‖ digest_{k−1}), the
 * digests being 32 bytes each (Solidity `keccak256(abi.encodePacked(bytes32[] digests))`). The
 * empty set commits to keccak256("") = 0xc5d2…a470. Order matters: it is the order of the rows
 * of the picking matrix.
 *
 * @example
 * ```ts
 * const commitment = viewSetCommitment([digestA, digestB]);
 * ```
 */
export function viewSetCommitment(digests: readonly Hex[]): Hex {
  return keccak256(digests.length === 0 ? "0x" : concat([...digests]));
}

/**
 * Signs a view with a local account (private key or decrypted keystore). `view.signer` must be the
 * account's address; contract wallets sign through their own tooling.
 *
 * @example
 * ```ts
 * const account = privateKeyToAccount(process.env.PORTFOLIO_VIEW_KEY as Hex);
 * const signature = await signInvestorView(account, domain, { ...view, signer: account.address });
 * ```
 */
export async function signInvestorView(
  account: LocalAccount,
  domain: InvestorViewDomain,
  view: InvestorView,
): Promise<Hex> {
  return account.signTypedData({
    domain: typedDataDomain(domain),
    types: INVESTOR_VIEW_TYPES,
    primaryType: "InvestorView",
    message: message(view),
  });
}
