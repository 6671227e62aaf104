import type { TransactionReceipt } from "viem";
import { RejectedError } from "../../errors.ts";
import { causeChain } from "../retry.ts";
import type { ContractWrite } from "./senderTypes.ts";

/**
 * The simulation (eth_call) of a write reverted, so nothing was broadcast — or, with
 * `code === "TX_CANCELLED"`, a stuck transaction started to revert in re-simulation and was
 * replaced by a zero-value self-transfer.
 */
export class SimulationRevertedError extends RejectedError {
  /** The viem error with the decoded revert (walk `cause` for `ContractFunctionRevertedError`). */
  readonly revert: unknown;
  constructor(code: "SIMULATION_REVERTED" | "TX_CANCELLED", message: string, revert: unknown) {
    super(code, message, undefined, { cause: revert });
    this.revert = revert;
  }
}

/** The transaction was mined and reverted. */
export class TransactionRevertedError extends RejectedError {
  readonly receipt: TransactionReceipt;
  constructor(message: string, receipt: TransactionReceipt) {
    super("TX_REVERTED", message);
    this.receipt = receipt;
  }
}

/** The write's name in logs and messages. */
export function label(write: ContractWrite): string {
  return write.label ?? `${write.functionName}@${write.address}`;
}

export /** Every message and detail in the cause chain, lower-case, for matching node error texts. */
function errorText(error: unknown): string {
  return causeChain(error)
    .map((e) => {
      if (!(e instanceof Error)) return String(e);
      const { details, shortMessage } = e as Error & { details?: unknown; shortMessage?: unknown };
      return [
        e.message,
        typeof details === "string" ? details : "",
        typeof shortMessage === "string" ? shortMessage : "",
      ].join(" ");
    })
    .join(" ")
    .toLowerCase();
}

/** The first line of an error's message (viem's `shortMessage` when present). */
export function shortMessage(error: unknown): string {
  const short = (error as { shortMessage?: unknown }).shortMessage;
  if (typeof short === "string") return short;
  return error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
}
