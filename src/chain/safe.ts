import {
  Contract,
  ZeroAddress,
  solidityPacked,
  type ContractTransactionReceipt,
  type Signer,
  type TypedDataField,
} from "ethers";
import { SAFE_ARTIFACTS } from "./externalArtifacts.ts";

/**
 * Drives a real Safe (`@safe-global/safe-smart-account` 1.5): owner-signed EIP-712 `SafeTx`
 * transactions from the guardian multisig, in tests and the demo. The Safe itself is deployed by the
 * Ignition module ignition/modules/GuardianSafe.ts.
 */

/** The Safe singleton, proxy factory and batching library that every Safe proxy of a deployment shares. */
export interface SafeInfrastructure {
  readonly singleton: string;
  readonly factory: string;
  /** `MultiSendCallOnly`: lets one Safe transaction make several calls, atomically. */
  readonly multiSendCallOnly: string;
}

/** A call the Safe makes (operation CALL, no refund). */
export interface SafeCall {
  readonly to: string;
  readonly data: string;
  /** Wei sent with the call. */
  readonly value?: bigint;
}

const SAFE_TX_TYPES: Record<string, TypedDataField[]> = {
  SafeTx: [
    { name: "to", type: "address" },
    { name: "value", type: "uint256" },
    { name: "data", type: "bytes" },
    { name: "operation", type: "uint8" },
    { name: "safeTxGas", type: "uint256" },
    { name: "baseGas", type: "uint256" },
    { name: "gasPrice", type: "uint256" },
    { name: "gasToken", type: "address" },
    { name: "refundReceiver", type: "address" },
    { name: "nonce", type: "uint256" },
  ],
};

/** Safe `Enum.Operation`: 0 = CALL, 1 = DELEGATECALL. */
type SafeOperation = 0 | 1;

/**
 * Has `owners` sign `call` as EIP-712 `SafeTx` messages at the Safe's current nonce, then executes it
 * from `owners[0]`. Signatures are ordered by owner address, as the Safe requires. Reverts (the
 * Safe's own `GS0xx` codes) when fewer owners than the threshold sign or the inner call fails.
 *
 * @example
 * ```ts
 * await execSafeTransaction(guardian, [alice, bob], {
 *   to: await timelock.getAddress(),
 *   data: timelock.interface.encodeFunctionData("cancel", [operationId]),
 * });
 * ```
 */
export function execSafeTransaction(
  safe: Contract,
  owners: readonly Signer[],
  call: SafeCall,
): Promise<ContractTransactionReceipt> {
  return execSafe(safe, owners, call, 0);
}

/**
 * Makes several calls in one Safe transaction, all or none (a DELEGATECALL to MultiSendCallOnly,
 * which refuses nested delegate calls): e.g. the guardian's emergency "cancel the queued proposal and
 * pause the registry".
 *
 * @example
 * ```ts
 * await execSafeBatch(guardian, [alice, bob], infra, [
 *   { to: timelockAddress, data: timelock.interface.encodeFunctionData("cancel", [operationId]) },
 *   { to: registryAddress, data: registry.interface.encodeFunctionData("pause") },
 * ]);
 * ```
 */
export function execSafeBatch(
  safe: Contract,
  owners: readonly Signer[],
  infra: SafeInfrastructure,
  calls: readonly SafeCall[],
): Promise<ContractTransactionReceipt> {
  const packed = calls.map((c) =>
    solidityPacked(
      ["uint8", "address", "uint256", "uint256", "bytes"],
      [0, c.to, c.value ?? 0n, dataLength(c.data), c.data],
    ).slice(2),
  );
  const multiSend = new Contract(infra.multiSendCallOnly, SAFE_ARTIFACTS.MultiSendCallOnly.abi);
  const data = multiSend.interface.encodeFunctionData("multiSend", [`0x${packed.join("")}`]);
  return execSafe(safe, owners, { to: infra.multiSendCallOnly, data }, 1);
}

function dataLength(data: string): number {
  return (data.length - 2) / 2;
}

async function execSafe(
  safe: Contract,
  owners: readonly Signer[],
  call: SafeCall,
  operation: SafeOperation,
): Promise<ContractTransactionReceipt> {
  const [submitter] = owners;
  if (submitter === undefined) throw new Error("a Safe transaction needs at least one owner");
  const provider = submitter.provider;
  if (provider === null) throw new Error("a Safe transaction needs owners connected to a provider");
  const safeAddress = await safe.getAddress();
  const nonce = (await safe.getFunction("nonce")()) as bigint;
  const { chainId } = await provider.getNetwork();
  const message = {
    to: call.to,
    value: call.value ?? 0n,
    data: call.data,
    operation,
    safeTxGas: 0n,
    baseGas: 0n,
    gasPrice: 0n,
    gasToken: ZeroAddress,
    refundReceiver: ZeroAddress,
    nonce,
  };
  const domain = { chainId, verifyingContract: safeAddress };
  const signed = await Promise.all(
    owners.map(async (owner) => ({
      owner: (await owner.getAddress()).toLowerCase(),
      signature: await owner.signTypedData(domain, SAFE_TX_TYPES, message),
    })),
  );
  signed.sort((a, b) => (a.owner < b.owner ? -1 : a.owner > b.owner ? 1 : 0));
  const signatures = `0x${signed.map((s) => s.signature.slice(2)).join("")}`;
  const exec = safe.connect(submitter).getFunction("execTransaction");
  const tx = await exec(
    message.to,
    message.value,
    message.data,
    message.operation,
    message.safeTxGas,
    message.baseGas,
    message.gasPrice,
    message.gasToken,
    message.refundReceiver,
    signatures,
  );
  return (await tx.wait()) as ContractTransactionReceipt;
}
