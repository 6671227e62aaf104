// Attribution of a transaction's gas from a `debug_traceTransaction` struct-log trace: the top
// frame's own opcodes grouped by kind (storage, logs, hashing, the rest) and every call it makes
// charged, with everything that call runs, to the callee's label. Used by the settlement gas bench
// to show where the fixed and the per-leg overhead go.
import type { Ethers } from "../test/helpers/settlement.ts";

interface StructLog {
  readonly op: string;
  readonly gas: number;
  readonly gasCost: number;
  readonly depth: number;
  readonly stack?: readonly string[];
}

/** Gas units per bucket; `intrinsic` is the 21k base plus calldata, `refund` is negative. */
export type GasBreakdown = Map<string, number>;

const CALLS = new Set(["CALL", "STATICCALL", "DELEGATECALL", "CALLCODE"]);

function opBucket(op: string): string {
  if (op === "SSTORE") return "SSTORE";
  if (op === "SLOAD") return "SLOAD";
  if (op === "TSTORE" || op === "TLOAD") return "transient";
  if (op.startsWith("LOG")) return "LOG";
  if (op === "KECCAK256") return "KECCAK256";
  return "compute";
}

/**
 * Splits the gas of transaction `hash` into buckets. `labels` maps lower-case addresses to names;
 * an unlabelled callee is `other`. The buckets sum to the receipt's `gasUsed`.
 *
 * @example
 * ```ts
 * const parts = await traceGas(ethers, receipt.hash, new Map([[vault.toLowerCase(), "vault"]]));
 * ```
 */
export async function traceGas(
  ethers: Ethers,
  hash: string,
  labels: ReadonlyMap<string, string>,
): Promise<GasBreakdown> {
  const trace = (await ethers.provider.send("debug_traceTransaction", [
    hash,
    { disableMemory: true, disableStorage: true },
  ])) as { gas: number; structLogs: readonly StructLog[] };
  const tx = await ethers.provider.getTransaction(hash);
  const receipt = await ethers.provider.getTransactionReceipt(hash);
  if (!tx || !receipt) throw new Error(`gas trace: transaction ${hash} not found`);
  const out: GasBreakdown = new Map();
  const add = (k: string, v: number): void => {
    out.set(k, (out.get(k) ?? 0) + v);
  };
  const data = ethers.getBytes(tx.data);
  let calldata = 0;
  for (const b of data) calldata += b === 0 ? 4 : 16;
  add("intrinsic (21k + calldata)", 21_000 + calldata);

  const logs = trace.structLogs;
  const top = logs[0]?.depth ?? 1;
  for (let i = 0; i < logs.length; i++) {
    const step = logs[i];
    if (!step || step.depth !== top) continue;
    if (CALLS.has(step.op)) {
      let j = i + 1;
      while (j < logs.length && logs[j]?.depth !== top) j++;
      const after = logs[j];
      const spent = after ? step.gas - after.gas : step.gasCost;
      const stack = step.stack ?? [];
      const target = BigInt(stack[stack.length - 2] ?? "0x0");
      const address = "0x" + target.toString(16).padStart(40, "0");
      add(`call: ${labels.get(address) ?? "other"}`, spent);
      i = j - 1;
    } else {
      add(opBucket(step.op), step.gasCost);
    }
  }
  const measured = [...out.values()].reduce((a, b) => a + b, 0);
  // What the opcodes charged minus what the receipt shows is the EIP-3529 refund (plus rounding of
  // the last step's cost), kept so the buckets add up to gasUsed.
  add("refund", Number(receipt.gasUsed) - measured);
  return out;
}
