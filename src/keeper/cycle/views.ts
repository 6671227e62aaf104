// The views step of a keeper cycle: verified signed views from the bus, committed after settlement.
import type { Logger } from "pino";
import type { Address, Hex, PublicClient } from "viem";
import { modelRegistryAbi } from "../../protocol/abi.ts";
import { parseSignedViewSetFile } from "../../views/signedViewSet.ts";
import { verifyViews, type Erc1271Reader } from "../../views/verifyViews.ts";
import type { SignerAuthority } from "../../views/signerAuthority.ts";
import type { NonceStore } from "../../views/nonceStore.ts";
import type { KeeperCycleContext } from "./types.ts";
import type { CycleBlock } from "./chainState.ts";
import { EMPTY_VIEW_SET_COMMITMENT } from "../../protocol/inputs.ts";

/**
 * `isViewSigner` at the cycle's block: the signer set of the same registry state the parameters
 * were read from, which an auditor reads again at the recorded `registryReadBlock`.
 */
function signerAuthorityAt(client: PublicClient, registry: Address, blockNumber: bigint): SignerAuthority {
  return {
    isViewSigner: (signer) =>
      client.readContract({
        address: registry,
        abi: modelRegistryAbi,
        functionName: "isViewSigner",
        args: [signer],
        blockNumber,
      }),
  };
}

/** ERC-1271 reads at the cycle's block, for the same reason. */
function erc1271At(client: PublicClient, blockNumber: bigint): Erc1271Reader {
  const readContract = ((args: Parameters<PublicClient["readContract"]>[0]) =>
    client.readContract({ ...args, blockNumber })) as PublicClient["readContract"];
  return { readContract };
}

/**
 * The latest view set on `ai.bl_views`, verified against the registry (nonces not yet committed)
 * at `block` — the block the cycle works against: expiry at its timestamp (seconds), so a view the
 * wall clock still accepts but the chain has let expire is refused; signer authority (and ERC-1271
 * wallets) at its number. `acceptedDigests` are the accepted views' EIP-712 digests in the order
 * the commitment hashes them, recorded in the manifest so replay needs no nonce store.
 */
export async function gatherViews(
  ctx: KeeperCycleContext,
  log: Logger,
  chainId: number,
  registry: Address,
  block: CycleBlock,
): Promise<{
  viewSetText: string;
  accepted: Awaited<ReturnType<typeof verifyViews>>["accepted"];
  acceptedDigests: Hex[];
  rejected: number;
  commitment: Hex;
}> {
  const messages = ctx.bus === undefined ? [] : await ctx.bus.history("ai.bl_views");
  const latest = messages.at(-1);
  if (latest === undefined) {
    return {
      viewSetText: "null\n",
      accepted: [],
      acceptedDigests: [],
      rejected: 0,
      commitment: EMPTY_VIEW_SET_COMMITMENT,
    };
  }
  const file = parseSignedViewSetFile(latest.payload.viewSet, "ai.bl_views.viewSet");
  const { accepted, rejections, commitment } = await verifyViews(file, {
    chainId,
    registry,
    now: block.timestamp,
    authority: signerAuthorityAt(ctx.client, registry, block.number),
    nonces: ctx.nonces,
    erc1271: erc1271At(ctx.client, block.number),
    logger: log,
    // Committed only after settlement, so a rerun of the same cycle sees the same views.
    commit: false,
  });
  return {
    viewSetText: `${JSON.stringify(latest.payload.viewSet, null, 2)}\n`,
    accepted,
    acceptedDigests: accepted.map((a) => a.digest),
    rejected: rejections.length,
    commitment: accepted.length === 0 ? EMPTY_VIEW_SET_COMMITMENT : commitment,
  };
}

/** Records the accepted views' nonces and version once their instruction has settled. */
export async function commitViews(
  nonces: NonceStore,
  accepted: Awaited<ReturnType<typeof verifyViews>>["accepted"],
): Promise<void> {
  let version: bigint | null = null;
  for (const { view } of accepted) {
    await nonces.markUsed(view.signer, view.nonce);
    if (version === null || view.viewSetVersion > version) version = view.viewSetVersion;
  }
  if (version !== null) await nonces.setLastAcceptedVersion(version);
}
