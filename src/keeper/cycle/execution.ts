import { parseEventLogs, type Hex, type PublicClient, type TransactionReceipt } from "viem";
import { settlementAbi } from "../../protocol/abi.ts";
import { valueWeights } from "./chainState.ts";
import type { CycleExecution } from "./metrics.ts";
import type { Holding, Leg } from "../legs/planLegs.ts";

/**
 * What a settled instruction executed: each leg's fill as the settlement measured it (the audited
 * `SettlementFinalized.amountsOut`) beside the cycle's oracle prices (USD per whole token, 1e18),
 * the settlement's timing (the atomic path issues and finalises in one block), and the weights of
 * the balances it recorded after the trade (`holdings`) at the same prices. `undefined` when
 * the receipt holds no `SettlementFinalized` (a halted settlement).
 *
 * @example
 * ```ts
 * const execution = await settledExecution(client, receipt, id, plan.legs, holdings, prices);
 * ```
 */
export async function settledExecution(
  client: PublicClient,
  receipt: TransactionReceipt,
  id: Hex,
  legs: readonly Leg[],
  holdings: readonly Holding[],
  prices: readonly bigint[],
): Promise<CycleExecution | undefined> {
  const [event] = parseEventLogs({ abi: settlementAbi, logs: receipt.logs, eventName: "SettlementFinalized" });
  if (event === undefined) return undefined;
  const at = (await client.getBlock({ blockNumber: receipt.blockNumber })).timestamp;
  const index = (token: Hex): number => holdings.findIndex((h) => h.token.toLowerCase() === token.toLowerCase());
  return {
    legs: legs.map((leg, i) => {
      const [a, b] = [index(leg.sellToken), index(leg.buyToken)];
      return {
        tokenIn: holdings[a]?.symbol ?? leg.sellToken,
        tokenOut: holdings[b]?.symbol ?? leg.buyToken,
        amountIn: leg.amountIn,
        amountOut: event.args.amountsOut[i] ?? 0n,
        decimalsIn: holdings[a]?.decimals ?? 18,
        decimalsOut: holdings[b]?.decimals ?? 18,
        priceIn: { answer: prices[a] ?? 0n, decimals: 18 },
        priceOut: { answer: prices[b] ?? 0n, decimals: 18 },
      };
    }),
    postTradeWeights: valueWeights(event.args.holdings, holdings, prices) ?? holdings.map(() => 0),
    settlement: {
      instructionId: id,
      issuedAt: at,
      finalizedAt: at,
      issuedBlock: receipt.blockNumber,
      finalizedBlock: receipt.blockNumber,
    },
  };
}
