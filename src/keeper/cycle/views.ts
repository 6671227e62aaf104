// The views step of a keeper cycle: verified signed views from the bus, committed after settlement.
import type { Logger } from "pino";
import type { Address, Hex } from "viem";
import { parseSignedViewSetFile } from "../../views/signedViewSet.ts";
import { verifyViews } from "../../views/verifyViews.ts";
import { RegistrySignerAuthority } from "../../views/signerAuthority.ts";
import type { NonceStore } from "../../views/nonceStore.ts";
import type { KeeperCycleContext } from "./types.ts";
import { EMPTY_VIEW_SET_COMMITMENT } from "../../protocol/inputs.ts";

/**
 * The latest view set on `ai.bl_views`, verified against the registry (nonces not yet committed)
 * at `chainTime` — the timestamp of the block the cycle works against, seconds — so a view the
 * wall clock still accepts but the chain has let expire is refused, as replay would refuse it.
 */
export async function gatherViews(
  ctx: KeeperCycleContext,
  log: Logger,
  chainId: number,
  registry: Address,
  chainTime: bigint,
): Promise<{
  viewSetText: string;
  accepted: Awaited<ReturnType<typeof verifyViews>>["accepted"];
  rejected: number;
  commitment: Hex;
}> {
  const messages = ctx.bus === undefined ? [] : await ctx.bus.history("ai.bl_views");
  const latest = messages.at(-1);
  if (latest === undefined) {
    return { viewSetText: "null\n", accepted: [], rejected: 0, commitment: EMPTY_VIEW_SET_COMMITMENT };
  }
  const file = parseSignedViewSetFile(latest.payload.viewSet, "ai.bl_views.viewSet");
  const { accepted, rejections, commitment } = await verifyViews(file, {
    chainId,
    registry,
    now: chainTime,
    authority: new RegistrySignerAuthority(ctx.client, registry),
    nonces: ctx.nonces,
    erc1271: ctx.client,
    logger: log,
    // Committed only after settlement, so a rerun of the same cycle sees the same views.
    commit: false,
  });
  return {
    viewSetText: `${JSON.stringify(latest.payload.viewSet, null, 2)}\n`,
    accepted,
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
