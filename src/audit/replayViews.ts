// The accepted views of a replayed instruction, from what its manifest records: the digests the
// keeper accepted and the block it read the registry at. Unlike re-running verifyViews, this needs
// no nonce store and gives the same answer at any later time (docs/audit-replay.md, step 5).
import { isAddressEqual, type Address, type Hex, type PublicClient } from "viem";
import { RejectedError } from "../errors.ts";
import { modelRegistryAbi } from "../protocol/abi.ts";
import { INPUT_FILES } from "../protocol/inputs.ts";
import { isInvestorViewDomain, parseSignedInvestorView, parseSignedViewSetFile } from "../views/signedViewSet.ts";
import { investorViewDigest, viewSetCommitment } from "../views/typedData.ts";
import type { AcceptedView } from "../views/verifyViews.ts";
import { signatureIsValid } from "../views/viewSignature.ts";

/** Parameters of {@link recordedAcceptedViews}. */
export interface RecordedAcceptedViewsParameters {
  readonly chainId: number;
  /** The settlement's ModelRegistry: the views' verifying contract and signer authority. */
  readonly registry: Address;
  /** The manifest's `registryReadBlock`. */
  readonly registryReadBlock: bigint;
  /** The block of the instruction's `PortfolioOptimized` event: the registry must have been read before it. */
  readonly settlementBlock: bigint;
  /** The manifest's `acceptedViewDigests`, in commitment order. */
  readonly acceptedViewDigests: readonly Hex[];
  /** The manifest's `viewSetCommitment` (already checked against the on-chain inputsHash). */
  readonly viewSetCommitment: Hex;
  /** The text of `view-set.json`. */
  readonly viewSetText: string;
}

function tampered(message: string, file: string): RejectedError {
  return new RejectedError("INPUTS_TAMPERED", message, file);
}

async function signedBy(
  client: PublicClient,
  domain: Parameters<typeof investorViewDigest>[0],
  accepted: AcceptedView,
  blockNumber: bigint,
): Promise<boolean> {
  const { view, signature, digest } = accepted;
  return signatureIsValid(digest, signature, view.signer, domain, view, client, blockNumber);
}

/**
 * The views the keeper accepted, in commitment order, checked from the record alone: keccak256
 * over `acceptedViewDigests` is `viewSetCommitment`; `registryReadBlock` is not after the
 * settlement; each digest is the EIP-712 digest of a view in `view-set.json` (domain: this chain
 * and registry) whose signature is its signer's (ECDSA, or ERC-1271 at that block), whose signer
 * the registry authorised at `registryReadBlock`, which had not expired at that block's timestamp,
 * and whose (signer, nonce) occurs once. Any failure is {@link RejectedError} `INPUTS_TAMPERED`.
 * Nonces used by earlier cycles are not checked: that state lives in the keeper's nonce store.
 *
 * @example
 * ```ts
 * const accepted = await recordedAcceptedViews(client, {
 *   chainId: 31337, registry, registryReadBlock: 41n, settlementBlock: 42n,
 *   acceptedViewDigests: manifest.acceptedViewDigests, viewSetCommitment: manifest.viewSetCommitment,
 *   viewSetText: inputs.viewSet,
 * });
 * ```
 */
export async function recordedAcceptedViews(
  client: PublicClient,
  p: RecordedAcceptedViewsParameters,
): Promise<AcceptedView[]> {
  const recomputed = viewSetCommitment(p.acceptedViewDigests);
  if (recomputed !== p.viewSetCommitment.toLowerCase()) {
    throw tampered(
      `acceptedViewDigests commit to ${recomputed}, the manifest records ${p.viewSetCommitment}`,
      INPUT_FILES.manifest,
    );
  }
  if (p.registryReadBlock > p.settlementBlock) {
    throw tampered(
      `registryReadBlock ${p.registryReadBlock} is after the settlement's block ${p.settlementBlock}`,
      INPUT_FILES.manifest,
    );
  }
  if (p.acceptedViewDigests.length === 0) return [];

  const json = JSON.parse(p.viewSetText) as unknown;
  if (json === null) throw tampered("no view set stored but views were accepted", INPUT_FILES.viewSet);
  const file = parseSignedViewSetFile(json, INPUT_FILES.viewSet);
  const { domain } = file;
  if (
    !isInvestorViewDomain(domain) ||
    domain.chainId !== p.chainId ||
    !isAddressEqual(domain.verifyingContract, p.registry)
  ) {
    throw tampered(`domain is not this chain's and registry's ${p.registry}`, `${INPUT_FILES.viewSet}.domain`);
  }
  const byDigest = new Map<string, AcceptedView>();
  for (const [index, raw] of file.views.entries()) {
    const parsed = parseSignedInvestorView(raw);
    if (!parsed.ok) continue;
    const digest = investorViewDigest(domain, parsed.value.view);
    byDigest.set(digest, { index, view: parsed.value.view, digest, signature: parsed.value.signature });
  }

  const { timestamp } = await client.getBlock({ blockNumber: p.registryReadBlock });
  const accepted: AcceptedView[] = [];
  const nonces = new Set<string>();
  for (const [k, digest] of p.acceptedViewDigests.entries()) {
    const field = `${INPUT_FILES.manifest}.acceptedViewDigests[${k}]`;
    const view = byDigest.get(digest.toLowerCase());
    if (view === undefined) throw tampered(`${digest} is not the digest of any view in ${INPUT_FILES.viewSet}`, field);
    const { signer, nonce, validUntil } = view.view;
    if (!(await signedBy(client, domain, view, p.registryReadBlock))) {
      throw tampered(`view ${view.index}'s signature is not ${signer}'s`, INPUT_FILES.viewSet);
    }
    const authorised = await client.readContract({
      address: p.registry,
      abi: modelRegistryAbi,
      functionName: "isViewSigner",
      args: [signer],
      blockNumber: p.registryReadBlock,
    });
    if (!authorised) {
      throw tampered(`${signer} was not a view signer at block ${p.registryReadBlock}`, field);
    }
    if (timestamp > validUntil) {
      throw tampered(`view ${view.index} had expired at block ${p.registryReadBlock} (time ${timestamp})`, field);
    }
    const key = `${signer.toLowerCase()}:${nonce}`;
    if (nonces.has(key)) throw tampered(`nonce ${nonce} of ${signer} is accepted twice`, field);
    nonces.add(key);
    accepted.push(view);
  }
  return accepted;
}
