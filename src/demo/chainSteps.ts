// Chain-side steps of the demo: refreshing the feeds after time travel, publishing the signed
// Black-Litterman views, and explaining a settlement that did not settle.
import type { Address, Hex, PublicClient } from "viem";
import type { HDAccount } from "viem/accounts";
import type { InProcessBus } from "../bus/inProcessBus.ts";
import type { SystemDeployment } from "../chain/deploySystem.ts";
import { signViewSet, viewSetRequestToInvestorViews } from "../views/signedViewSet.ts";
import { investorViewDomain } from "../views/typedData.ts";
import { SETTLEMENT_CHECKS } from "../protocol/enums.ts";

/** The settlement's ConstraintBreached event in a transaction, as text ("" without one). */
export async function breachOf(system: SystemDeployment, client: PublicClient, txHash: Hex | null): Promise<string> {
  if (txHash === null) return "";
  const receipt = await client.getTransactionReceipt({ hash: txHash });
  for (const log of receipt.logs) {
    const parsed = system.settlement.interface.parseLog({ topics: [...log.topics], data: log.data });
    if (parsed?.name === "ConstraintBreached") {
      const [, , check, asset, observed, limit] = parsed.args as unknown as [
        string,
        string,
        bigint,
        bigint,
        bigint,
        bigint,
      ];
      const who = asset === 2n ** 256n - 1n ? "portfolio" : (system.assets[Number(asset)]?.symbol ?? `asset ${asset}`);
      return `: ${SETTLEMENT_CHECKS[Number(check)] ?? `check ${check}`} breached on ${who} (observed ${observed}, limit ${limit})`;
    }
  }
  return "";
}

/** New rounds at the same prices: time travel made the feeds' answers older than their max age. */
export async function refreshFeeds(system: SystemDeployment): Promise<void> {
  for (const asset of system.assets) await (await asset.feed.setAnswer(asset.feedAnswer)).wait();
}

/** Signs two investor views with the registry's view signer and publishes them on `ai.bl_views`. */
export async function publishViews(
  bus: InProcessBus,
  client: PublicClient,
  signer: HDAccount,
  chainId: number,
  registry: Address,
): Promise<void> {
  const block = await client.getBlock({ blockTag: "latest" });
  const request = {
    viewSetVersion: 1,
    // Chain time runs ahead of the wall clock after time travel; either way the views stay valid.
    validUntil: Number(block.timestamp) + 90 * 86_400,
    nonce: 1,
    views: [
      { assets: { AAPL: 1 }, q: 0.15, confidence: 0.6 },
      { assets: { JPM: 1, XOM: -1 }, q: 0.04, confidence: 0.4 },
    ],
  };
  const views = viewSetRequestToInvestorViews(request, signer.address);
  const signed = await signViewSet(signer, investorViewDomain({ chainId, registry }), views);
  await bus.publish("ai.bl_views", {
    viewSet: JSON.parse(JSON.stringify(signed)) as Record<string, unknown>,
    commitment: signed.commitment,
  });
}
