// The status of an instruction id as the settlement defines it (ISettlement.lastInstructionId): a
// two-step instruction or one refused at admission is stored by id; one settled atomically is not
// (a fresh slot per rebalance would cost 22k gas) and is known as its portfolio's last instruction.
import type { Address, Hex, PublicClient } from "viem";
import { settlementAbi } from "./abi.ts";
import { SETTLEMENT_STATUSES } from "./enums.ts";

const NONE = SETTLEMENT_STATUSES.indexOf("None");
const FINALIZED = SETTLEMENT_STATUSES.indexOf("Finalized");

/**
 * `ISettlement.Status` of `id` (as a number): `statusOf(id)` when stored, else `Finalized` when `id` is
 * `portfolio`'s last admitted instruction (settled atomically), else `None`. An atomic instruction
 * superseded by a later one reads `None`; the nonce has consumed it.
 *
 * @example
 * ```ts
 * const status = await instructionStatus(client, deployment.settlement, portfolio, id);
 * if (status !== 0) console.log("already issued");
 * ```
 */
export async function instructionStatus(
  client: PublicClient,
  settlement: Address,
  portfolio: Address,
  id: Hex,
): Promise<number> {
  const [stored, last] = await Promise.all([
    client.readContract({ address: settlement, abi: settlementAbi, functionName: "statusOf", args: [id] }),
    client.readContract({
      address: settlement,
      abi: settlementAbi,
      functionName: "lastInstructionId",
      args: [portfolio],
    }),
  ]);
  if (stored !== NONE) return stored;
  return last.toLowerCase() === id.toLowerCase() ? FINALIZED : NONE;
}
