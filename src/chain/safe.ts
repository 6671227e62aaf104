import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import {
  Contract,
  ContractFactory,
  ZeroAddress,
  getAddress,
  solidityPacked,
  type ContractTransactionReceipt,
  type InterfaceAbi,
  type Signer,
  type TypedDataField,
} from "ethers";

/**
 * Deploys and drives a real Safe (`@safe-global/safe-smart-account` 1.5 bytecode) with ethers: the
 * guardian multisig of the DAO in tests and the demo.
 */

interface Artifact {
  readonly abi: InterfaceAbi;
  readonly bytecode: string;
}

const require = createRequire(import.meta.url);

function loadArtifact(path: string): Artifact {
  const file = require.resolve(`@safe-global/safe-smart-account/build/artifacts/contracts/${path}`);
  const parsed = JSON.parse(readFileSync(file, "utf8")) as Artifact;
  return { abi: parsed.abi, bytecode: parsed.bytecode };
}

const SAFE_ARTIFACT = loadArtifact("Safe.sol/Safe.json");
const FACTORY_ARTIFACT = loadArtifact("proxies/SafeProxyFactory.sol/SafeProxyFactory.json");
const MULTISEND_ARTIFACT = loadArtifact("libraries/MultiSendCallOnly.sol/MultiSendCallOnly.json");

/** The Safe singleton, proxy factory and batching library that every Safe proxy of a deployment shares. */
export interface SafeInfrastructure {
  readonly singleton: string;
  readonly factory: string;
  /** `MultiSendCallOnly`: lets one Safe transaction make several calls, atomically. */
  readonly multiSendCallOnly: string;
}

/**
 * Deploys the Safe singleton, the SafeProxyFactory and MultiSendCallOnly from the package's build artifacts.
 *
 * @example
 * ```ts
 * const infra = await deploySafeInfrastructure(deployer);
 * const guardian = await createSafe(deployer, infra, { owners: [a, b, c], threshold: 2 });
 * ```
 */
export async function deploySafeInfrastructure(deployer: Signer): Promise<SafeInfrastructure> {
  const singleton = await new ContractFactory(SAFE_ARTIFACT.abi, SAFE_ARTIFACT.bytecode, deployer).deploy();
  const factory = await new ContractFactory(FACTORY_ARTIFACT.abi, FACTORY_ARTIFACT.bytecode, deployer).deploy();
  const multiSend = await new ContractFactory(MULTISEND_ARTIFACT.abi, MULTISEND_ARTIFACT.bytecode, deployer).deploy();
  await Promise.all([singleton.waitForDeployment(), factory.waitForDeployment(), multiSend.waitForDeployment()]);
  return {
    singleton: await singleton.getAddress(),
    factory: await factory.getAddress(),
    multiSendCallOnly: await multiSend.getAddress(),
  };
}

/** Parameters of {@link createSafe}. */
export interface CreateSafeParameters {
  readonly owners: readonly string[];
  /** Number of owner signatures a transaction needs. */
  readonly threshold: number;
  /** Salt of the CREATE2 proxy deployment; change it to deploy a second Safe with the same owners. */
  readonly saltNonce?: bigint;
}

/**
 * Creates a Safe proxy through the factory and runs `setup(owners, threshold)` in the same
 * transaction (no fallback handler, no modules, no payment).
 *
 * @returns The Safe as an ethers contract bound to `deployer`.
 */
export async function createSafe(
  deployer: Signer,
  infra: SafeInfrastructure,
  { owners, threshold, saltNonce = 0n }: CreateSafeParameters,
): Promise<Contract> {
  const safeInterface = new Contract(infra.singleton, SAFE_ARTIFACT.abi).interface;
  const initializer = safeInterface.encodeFunctionData("setup", [
    owners,
    threshold,
    ZeroAddress,
    "0x",
    ZeroAddress,
    ZeroAddress,
    0,
    ZeroAddress,
  ]);
  const factory = new Contract(infra.factory, FACTORY_ARTIFACT.abi, deployer);
  const createProxy = factory.getFunction("createProxyWithNonce");
  const tx = await createProxy(infra.singleton, initializer, saltNonce);
  const receipt = (await tx.wait()) as ContractTransactionReceipt;
  for (const log of receipt.logs) {
    const parsed = factory.interface.parseLog(log);
    if (parsed?.name === "ProxyCreation") {
      return new Contract(getAddress(parsed.args[0] as string), SAFE_ARTIFACT.abi, deployer);
    }
  }
  throw new Error("SafeProxyFactory emitted no ProxyCreation event");
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
  const multiSend = new Contract(infra.multiSendCallOnly, MULTISEND_ARTIFACT.abi);
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
