// Does each address of a deployment hold the contract the file says it does? Every reader of
// `deployments/<network>.json` (keeper, governance CLI, auditor, dashboard) asks this one function
// before it acts, so a wrong address is named at once instead of surfacing as a "returned no data"
// dump from the first call that happens to touch it.
import {
  AbiDecodingDataSizeTooSmallError,
  AbiDecodingZeroDataError,
  BaseError,
  ContractFunctionRevertedError,
  ContractFunctionZeroDataError,
  ExecutionRevertedError,
  RawContractError,
  erc20Abi,
  type Abi,
  type Address,
  type PublicClient,
  type ReadContractParameters,
} from "viem";
import { InputError } from "../errors.ts";
import {
  auditedAbi,
  chainlinkPriceOracleAbi,
  modelRegistryAbi,
  portfolioGovernorAbi,
  portfolioTimelockAbi,
  portfolioTokenAbi,
  portfolioVaultAbi,
  settlementAbi,
  uniswapV2AdapterAbi,
  uniswapV2RouterAbi,
} from "./abi.ts";
import type { KeeperDeployment } from "./deployment.ts";

/** One view call that the expected contract answers and a wrong one (almost surely) does not. */
interface Probe {
  readonly abi: Abi;
  readonly functionName: string;
  readonly args?: readonly unknown[];
}

const PAIR_PROBE: readonly Address[] = [
  "0x0000000000000000000000000000000000000001",
  "0x0000000000000000000000000000000000000002",
];

/**
 * Per contract, views that together tell it apart from the others of the system: a router and an
 * adapter both answer `factory()`, only the adapter `pairFor`; registry and settlement both answer
 * `guardian()`, only the settlement `registry()` and `oracle()`.
 */
const PROBES = {
  Settlement: [
    { abi: settlementAbi, functionName: "registry" },
    { abi: settlementAbi, functionName: "oracle" },
  ],
  PortfolioVault: [
    { abi: portfolioVaultAbi, functionName: "holdings" },
    { abi: portfolioVaultAbi, functionName: "settlement" },
  ],
  UniswapV2Adapter: [
    { abi: uniswapV2AdapterAbi, functionName: "factory" },
    { abi: uniswapV2AdapterAbi, functionName: "pairFor", args: PAIR_PROBE },
  ],
  UniswapV2Router02: [
    { abi: uniswapV2RouterAbi, functionName: "factory" },
    { abi: uniswapV2RouterAbi, functionName: "WETH" },
  ],
  ERC20: [
    { abi: erc20Abi, functionName: "decimals" },
    { abi: erc20Abi, functionName: "symbol" },
  ],
  ModelRegistry: [
    { abi: modelRegistryAbi, functionName: "optimizerBuildHash" },
    { abi: modelRegistryAbi, functionName: "constraintSetVersion" },
  ],
  PortfolioGovernor: [
    { abi: portfolioGovernorAbi, functionName: "timelock" },
    { abi: portfolioGovernorAbi, functionName: "votingPeriod" },
  ],
  TimelockController: [{ abi: portfolioTimelockAbi, functionName: "getMinDelay" }],
  PortfolioToken: [
    { abi: portfolioTokenAbi, functionName: "clock" },
    { abi: portfolioTokenAbi, functionName: "decimals" },
  ],
  ChainlinkPriceOracle: [{ abi: chainlinkPriceOracleAbi, functionName: "sequencer" }],
  // Any contract that keeps an audit chain (`portfolio audit verify --address`).
  ContractWithAuditChain: [
    { abi: auditedAbi, functionName: "auditHead" },
    { abi: auditedAbi, functionName: "auditCount" },
  ],
} as const satisfies Record<string, readonly Probe[]>;

/**
 * The contracts {@link verifyDeployment} can recognise (`ERC20`: any token, e.g. the base token;
 * `ContractWithAuditChain`: any contract with an audit chain).
 */
export type ExpectedContract = keyof typeof PROBES;

/** One address and the contract it must hold; `path` names it in the error (`deployments/x.json:keeper.vault`). */
export interface ExpectedDeploymentContract {
  readonly path: string;
  readonly address: Address;
  readonly contract: ExpectedContract;
}

/** The parts of a deployment record {@link deploymentExpectations} reads (a `Deployment` fits). */
export interface DeploymentAddresses {
  /** Contracts by name; names {@link verifyDeployment} knows are checked, others (the Safe) are not. */
  readonly contracts?: Readonly<Record<string, Address>>;
  readonly keeper?: KeeperDeployment | undefined;
}

const KEEPER_FIELDS = {
  settlement: "Settlement",
  vault: "PortfolioVault",
  venue: "UniswapV2Adapter",
  router: "UniswapV2Router02",
  baseToken: "ERC20",
} as const satisfies Record<keyof KeeperDeployment, ExpectedContract>;

function isExpectedContract(name: string): name is ExpectedContract {
  return Object.hasOwn(PROBES, name);
}

/**
 * What a deployment record claims: each known name of `contracts`, and each address of the
 * `keeper` section, with the contract it must hold.
 *
 * @example
 * ```ts
 * deploymentExpectations({ keeper: { settlement, vault, venue } }, "deployments/localhost.json");
 * // [{ path: "deployments/localhost.json:keeper.settlement", address: settlement, contract: "Settlement" }, …]
 * ```
 */
export function deploymentExpectations(deployment: DeploymentAddresses, source: string): ExpectedDeploymentContract[] {
  const out: ExpectedDeploymentContract[] = [];
  for (const [name, address] of Object.entries(deployment.contracts ?? {})) {
    if (isExpectedContract(name)) out.push({ path: `${source}:contracts.${name}`, address, contract: name });
  }
  const keeper = deployment.keeper;
  if (keeper !== undefined) {
    for (const [field, contract] of Object.entries(KEEPER_FIELDS)) {
      const address = keeper[field as keyof KeeperDeployment];
      if (address !== undefined) out.push({ path: `${source}:keeper.${field}`, address, contract });
    }
  }
  return out;
}

/** Options of {@link verifyDeployment} and {@link verifyContracts}. */
export interface VerifyDeploymentOptions {
  /** Runs each RPC call, e.g. under the keeper's retry policy (default: once). */
  readonly read?: <T>(fn: () => Promise<T>) => Promise<T>;
}

/**
 * Checks that every address of a deployment record holds the contract the record names (see
 * {@link deploymentExpectations}); {@link verifyContracts} does the probing.
 *
 * @throws {InputError} `DEPLOYMENT_CONTRACT_MISMATCH` naming the field, the address and the expected contract.
 * @example
 * ```ts
 * await verifyDeployment(client, readDeploymentFile(path), path);
 * // portfolio: deployments/localhost.json:keeper.settlement: 0x5FbD… is not a Settlement: registry() reverted [DEPLOYMENT_CONTRACT_MISMATCH]
 * ```
 */
export async function verifyDeployment(
  client: PublicClient,
  deployment: DeploymentAddresses,
  source: string,
  options: VerifyDeploymentOptions = {},
): Promise<void> {
  await verifyContracts(client, deploymentExpectations(deployment, source), options);
}

/**
 * Probes each address cheaply: it must hold code, and answer the expected contract's identifying
 * views (e.g. a Settlement's `registry()` and `oracle()`). A revert, empty or undecodable answer is
 * a mismatch; a transport failure (node down) is rethrown as it is, not blamed on the file.
 *
 * @throws {InputError} `DEPLOYMENT_CONTRACT_MISMATCH` for the first expectation (in order) that fails.
 * @example
 * ```ts
 * await verifyContracts(client, [{ path: "--registry", address, contract: "ModelRegistry" }]);
 * ```
 */
export async function verifyContracts(
  client: PublicClient,
  expected: readonly ExpectedDeploymentContract[],
  { read = (fn) => fn() }: VerifyDeploymentOptions = {},
): Promise<void> {
  const verdicts = await Promise.all(
    expected.map(async (e): Promise<string | null> => {
      const code = await read(() => client.getCode({ address: e.address }));
      if (code === undefined || code === "0x") return "no contract code at this address";
      for (const probe of PROBES[e.contract] as readonly Probe[]) {
        try {
          await read(() =>
            client.readContract({
              address: e.address,
              abi: probe.abi,
              functionName: probe.functionName,
              args: probe.args ?? [],
            } as ReadContractParameters),
          );
        } catch (error) {
          if (!isWrongContractAnswer(error)) throw error;
          return `${probe.functionName}() ${isZeroData(error) ? "returned no data" : "reverted or returned garbage"}`;
        }
      }
      return null;
    }),
  );
  verdicts.forEach((why, i) => {
    const e = expected[i];
    if (why !== null && e !== undefined) {
      throw new InputError("DEPLOYMENT_CONTRACT_MISMATCH", `${e.address} is not a ${e.contract}: ${why}`, e.path);
    }
  });
}

/** The node answered, and the answer is not this function's: revert, no data, or undecodable data. */
function isWrongContractAnswer(error: unknown): boolean {
  if (!(error instanceof BaseError)) return false;
  return (
    error.walk(
      (e) =>
        e instanceof ContractFunctionRevertedError ||
        e instanceof ContractFunctionZeroDataError ||
        e instanceof ExecutionRevertedError ||
        e instanceof RawContractError ||
        e instanceof AbiDecodingZeroDataError ||
        e instanceof AbiDecodingDataSizeTooSmallError ||
        // viem does not export the cursor error an answer too short for its offsets raises.
        (e instanceof Error && e.name === "PositionOutOfBoundsError"),
    ) !== null
  );
}

function isZeroData(error: unknown): boolean {
  return (
    error instanceof BaseError &&
    error.walk((e) => e instanceof ContractFunctionZeroDataError || e instanceof AbiDecodingZeroDataError) !== null
  );
}
