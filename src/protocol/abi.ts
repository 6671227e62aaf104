// The contracts' ABIs as the compiler emitted them (generated/, from the build artifacts), and
// the compositions callers need on top: settlement and governor ABIs that also decode the custom
// errors their calls bubble up.
import type { Abi } from "viem";
import { chainlinkPriceOracleAbi } from "./generated/chainlinkPriceOracleAbi.ts";
import { portfolioGovernorAbi as governorContractAbi } from "./generated/portfolioGovernorAbi.ts";
import { portfolioTimelockAbi } from "./generated/portfolioTimelockAbi.ts";
import { portfolioVaultAbi } from "./generated/portfolioVaultAbi.ts";
import { settlementAbi as settlementContractAbi } from "./generated/settlementAbi.ts";
import { uniswapV2AdapterAbi } from "./generated/uniswapV2AdapterAbi.ts";

export { auditedAbi } from "./generated/auditedAbi.ts";
export { modelRegistryAbi } from "./generated/modelRegistryAbi.ts";
export { portfolioTokenAbi } from "./generated/portfolioTokenAbi.ts";
export { uniswapV2RouterAbi } from "./generated/uniswapV2RouterAbi.ts";
export { chainlinkPriceOracleAbi, portfolioTimelockAbi, portfolioVaultAbi, uniswapV2AdapterAbi };

type ErrorOf<T extends Abi> = Extract<T[number], { readonly type: "error" }>;

function errorsOf<const T extends Abi>(abi: T): ErrorOf<T>[] {
  return abi.filter((item): item is ErrorOf<T> => item.type === "error");
}

/**
 * `Settlement`'s ABI plus the custom errors of the contracts a settle calls (oracle, vault, venue
 * adapter), so that a revert decodes to a named error whichever of them raised it.
 *
 * @example
 * ```ts
 * const { errorName, args } = decodeErrorResult({ abi: settlementAbi, data });
 * ```
 */
export const settlementAbi = [
  ...settlementContractAbi,
  ...errorsOf(chainlinkPriceOracleAbi),
  ...errorsOf(portfolioVaultAbi),
  ...errorsOf(uniswapV2AdapterAbi),
] as const;

/**
 * `PortfolioGovernor`'s ABI plus the timelock's custom errors, which its `queue` and `execute`
 * bubble up.
 *
 * @example
 * ```ts
 * const state = await client.readContract({ address: governor, abi: portfolioGovernorAbi, functionName: "state", args: [id] });
 * ```
 */
export const portfolioGovernorAbi = [...governorContractAbi, ...errorsOf(portfolioTimelockAbi)] as const;
