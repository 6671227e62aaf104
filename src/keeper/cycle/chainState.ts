// The chain state a keeper cycle starts from: registry, oracle, strategy parameters, constraint set,
// and the vault's holdings at the oracle's prices (src/keeper/cycle.ts, steps 1 and 3).
import { erc20Abi, type Address, type Hex, type LocalAccount, type PublicClient } from "viem";
import { PortfolioError, RejectedError } from "../../errors.ts";
import { chainlinkPriceOracleAbi, modelRegistryAbi, portfolioVaultAbi, settlementAbi } from "../../protocol/abi.ts";
import { decodeConstraintLimits, decodeStrategyParameters } from "../../protocol/registry.ts";
import type { CycleConstraintLimits, CycleParameters } from "../../protocol/inputs.ts";
import { WAD } from "../../protocol/fixedPoint.ts";
import type { Holding } from "../legs/types.ts";

/** Runs one RPC read under the cycle's retry policy. */
export type CycleRead = <T>(fn: () => Promise<T>) => Promise<T>;

/** What the registry behind the settlement says, as the cycle uses it. */
export interface RegistryState {
  readonly chainId: number;
  readonly registry: Address;
  readonly oracle: Address;
  /** The registry's pinned optimiser build hash. */
  readonly pinned: Hex;
  readonly parameters: CycleParameters;
  readonly parametersVersion: bigint;
  /** The registry's ERC risk-budgets hash (zero: none pinned). */
  readonly riskBudgetsHash: Hex;
  readonly limits: CycleConstraintLimits;
  readonly constraintSetVersion: bigint;
  /** Where the constraint-set JSON lives, and the sha256 it must have. */
  readonly constraintSetUri: string;
  readonly constraintSetHash: Hex;
}

/**
 * Reads the settlement's registry and oracle, the strategy parameters and constraint set with their
 * versions, and refuses ({@link RejectedError} `NOT_KEEPER`) an account the registry does not list.
 * With `blockNumber` every read is an `eth_call` at that block, so the versions, parameters and
 * limits are one consistent state that an auditor can read again at the same block (the cycle
 * records it as `registryReadBlock`); without it, at `latest`.
 *
 * @example
 * ```ts
 * const { number } = await readCycleBlock(client, read);
 * const state = await readRegistryState(client, deployment.settlement, account, read, number);
 * ```
 */
export async function readRegistryState(
  client: PublicClient,
  settlement: Address,
  account: LocalAccount,
  read: CycleRead,
  blockNumber?: bigint,
): Promise<RegistryState> {
  const at = blockNumber === undefined ? {} : { blockNumber };
  const chainId = await read(() => client.getChainId());
  const registry = await read(() =>
    client.readContract({ address: settlement, abi: settlementAbi, functionName: "registry", ...at }),
  );
  const oracle = await read(() =>
    client.readContract({ address: settlement, abi: settlementAbi, functionName: "oracle", ...at }),
  );
  const readRegistry = { address: registry, abi: modelRegistryAbi, ...at } as const;
  const [pinned, rawParams, parametersVersion, rawConstraints, constraintSetVersion] = await Promise.all([
    read(() => client.readContract({ ...readRegistry, functionName: "optimizerBuildHash" })),
    read(() => client.readContract({ ...readRegistry, functionName: "strategyParameters" })),
    read(() => client.readContract({ ...readRegistry, functionName: "parametersVersion" })),
    read(() => client.readContract({ ...readRegistry, functionName: "constraintSet" })),
    read(() => client.readContract({ ...readRegistry, functionName: "constraintSetVersion" })),
  ]);
  const isKeeper = await read(() =>
    client.readContract({ ...readRegistry, functionName: "isKeeper", args: [account.address] }),
  );
  if (!isKeeper)
    throw new RejectedError("NOT_KEEPER", `${account.address} is not a registry keeper`, "PORTFOLIO_KEEPER_KEY");
  return {
    chainId,
    registry,
    oracle,
    pinned,
    parameters: decodeStrategyParameters(rawParams),
    parametersVersion,
    riskBudgetsHash: rawParams.riskBudgetsHash,
    limits: decodeConstraintLimits(rawConstraints),
    constraintSetVersion,
    constraintSetUri: rawConstraints.uri,
    constraintSetHash: rawConstraints.contentHash,
  };
}

/** The block a cycle reads the chain's time from. */
export interface CycleBlock {
  readonly number: bigint;
  readonly hash: Hex;
  /** `block.timestamp`, seconds since the epoch. */
  readonly timestamp: bigint;
}

/**
 * The latest block: its timestamp is the cycle's clock for every time check (view expiry, the
 * instruction's deadline, the calendar trigger) — never the keeper machine's wall clock, which may
 * disagree with the chain — and its number the block the registry is read at (`registryReadBlock`),
 * where replay checks the recorded views again.
 *
 * @example
 * ```ts
 * const { timestamp } = await readCycleBlock(client, read);
 * ```
 */
export async function readCycleBlock(client: PublicClient, read: CycleRead): Promise<CycleBlock> {
  const block = await read(() => client.getBlock({ blockTag: "latest" }));
  if (block.hash === null || block.number === null) fail("block", "a pending block as latest");
  return { number: block.number, hash: block.hash, timestamp: block.timestamp };
}

/** The vault's holdings priced by the settlement's oracle. */
export interface VaultState {
  readonly holdings: Holding[];
  /** USD per whole token, 1e18 fixed point, in `holdings` order (as planLegs takes them). */
  readonly prices: bigint[];
  /** Asset symbols in vault order. */
  readonly assets: string[];
  /** Fractions of NAV in vault order (to 1e-12). */
  readonly currentWeights: number[];
}

/**
 * Reads the vault's holdings, each token's symbol and decimals, and the oracle's price; refuses
 * ({@link RejectedError} `ZERO_NAV`) an empty vault.
 *
 * @example
 * ```ts
 * const { holdings, prices, currentWeights } = await readVaultState(client, vault, oracle, read);
 * ```
 */
export async function readVaultState(
  client: PublicClient,
  vault: Address,
  oracle: Address,
  read: CycleRead,
): Promise<VaultState> {
  const [tokens, balances] = await read(() =>
    client.readContract({ address: vault, abi: portfolioVaultAbi, functionName: "holdings" }),
  );
  const holdings: Holding[] = [];
  const prices: bigint[] = [];
  for (const [i, token] of tokens.entries()) {
    const [symbol, decimals, unitPrice] = await Promise.all([
      read(() => client.readContract({ address: token, abi: erc20Abi, functionName: "symbol" })),
      read(() => client.readContract({ address: token, abi: erc20Abi, functionName: "decimals" })),
      read(() =>
        client.readContract({ address: oracle, abi: chainlinkPriceOracleAbi, functionName: "priceOf", args: [token] }),
      ),
    ]);
    holdings.push({ token, symbol, decimals, balance: balances[i] ?? 0n });
    // priceOf: WAD value of one raw unit × 1e18 → per whole token: × 10^decimals / 1e18.
    prices.push((unitPrice * 10n ** BigInt(decimals)) / WAD);
  }
  const currentWeights = valueWeights(
    holdings.map((h) => h.balance),
    holdings,
    prices,
  );
  if (currentWeights === null) throw new RejectedError("ZERO_NAV", "the vault holds nothing to rebalance", "vault");
  return { holdings, prices, assets: holdings.map((h) => h.symbol), currentWeights };
}

/**
 * Weights (fractions of NAV, to 1e-12) of `balances` (token units, `holdings` order) at `prices`
 * (USD per whole token, 1e18); `null` when the NAV is zero.
 *
 * @example
 * ```ts
 * valueWeights([600n * 10n ** 6n, 2n * 10n ** 17n], [{ decimals: 6 }, { decimals: 18 }], [10n ** 18n, 2000n * 10n ** 18n]);
 * // [0.6, 0.4]
 * ```
 */
export function valueWeights(
  balances: readonly bigint[],
  holdings: readonly Pick<Holding, "decimals">[],
  prices: readonly bigint[],
): number[] | null {
  const values = holdings.map((h, i) => ((balances[i] ?? 0n) * (prices[i] ?? 0n)) / 10n ** BigInt(h.decimals));
  const nav = values.reduce((a, b) => a + b, 0n);
  if (nav === 0n) return null;
  return values.map((v) => Number((v * 10n ** 12n) / nav) / 1e12);
}

/** Throws the internal error for a chain value outside what the contracts define (e.g. an unknown enum). */
export function fail(field: string, value: unknown): never {
  throw new PortfolioError("internal", "UNEXPECTED_CHAIN_VALUE", `unexpected ${String(value)}`, field);
}
