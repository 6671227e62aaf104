// Steps 6 and 7 of a keeper cycle (src/keeper/cycle.ts): run the pinned optimiser (halting with a
// critical alert on failure or a broken volatility budget), then plan legs checked against quotes.
import type { Logger } from "pino";
import type { Address } from "viem";
import { sameAddress } from "../../protocol/indexing.ts";
import { InfeasibleError, RejectedError } from "../../errors.ts";
import { parseOptimizerModel, type OptimizerModel } from "../../optimizer/model.ts";
import type { OptimizerModule } from "../../protocol/bundle.ts";
import { fail } from "./chainState.ts";
import { INPUT_FILES, type ConstraintSetJson, type CycleParameters } from "../../protocol/inputs.ts";
import { publishAlert } from "./publish.ts";
import type { KeeperCycleContext } from "./types.ts";
import { planLegs } from "../legs/planLegs.ts";
import { quoteCheck } from "../legs/quoteCheck.ts";
import type { Holding, Leg, PlanLegsReturnType } from "../legs/types.ts";
import { quoteLegsUniswapV2 } from "../legs/quoteLegs.ts";
import type { WithRetryOptions } from "../retry.ts";

/** The optimiser's answer as the cycle uses it. */
export type CycleOptimization = Omit<ReturnType<OptimizerModule["optimize"]>, "model"> & {
  /** The μ, Σ and frontier the pinned bundle optimised with; null when it returned none (see `modelUnavailable`). */
  readonly model: OptimizerModel | null;
  readonly modelUnavailable?: string;
};

/**
 * Runs the pinned optimiser on the stored problem text and market data, asking it for its model
 * (μ, Σ and — unless `ctx.frontierPoints` is 0 — the strategic frontier, i.e. without the
 * per-rebalance turnover limit), so the cycle publishes the risk of the model that chose the
 * weights. A bundle that returns no model, or a malformed one, leaves `model` null with the
 * reason: the weights stand, only the model-based metrics go unpublished. A status other than
 * `optimal` publishes a critical `optimizer` alert and throws {@link InfeasibleError}
 * `OPTIMIZER_FAILED`; a volatility above the registry's budget publishes a critical `volatility`
 * alert and throws {@link RejectedError} `RISK_BUDGET_EXCEEDED`. The wall time is appended to the
 * context's `runtimeSamples`.
 *
 * @example
 * ```ts
 * const result = await optimizeCycle(ctx, log, optimizer, problemText, marketData, parameters);
 * ```
 */
export async function optimizeCycle(
  ctx: KeeperCycleContext,
  log: Logger,
  optimizer: OptimizerModule,
  problemText: string,
  marketData: string,
  parameters: CycleParameters,
): Promise<CycleOptimization> {
  const portfolio = ctx.deployment.vault;
  const points = ctx.frontierPoints ?? 20;
  const { model: rawModel, ...result } = optimizer.optimize(JSON.parse(problemText), {
    files: { [INPUT_FILES.marketData]: marketData },
    model: points > 0 ? { frontier: { points, withoutTurnover: true } } : true,
  });
  ctx.runtimeSamples?.push(result.diagnostics.runtimeMs);
  if (result.status !== "optimal") {
    await publishAlert(ctx.bus, log, {
      kind: "optimizer",
      severity: "critical",
      portfolio,
      message: `optimiser returned ${result.status}: ${result.infeasibility?.message ?? "no solution"}; halting`,
    });
    throw new InfeasibleError("OPTIMIZER_FAILED", `optimiser returned ${result.status}`, "problem");
  }
  if (result.volatility !== null && result.volatility > parameters.volatilityBudget) {
    await publishAlert(ctx.bus, log, {
      kind: "volatility",
      severity: "critical",
      portfolio,
      message: `optimised volatility ${result.volatility.toFixed(4)} above the budget; halting`,
      value: result.volatility,
      threshold: parameters.volatilityBudget,
    });
    throw new RejectedError(
      "RISK_BUDGET_EXCEEDED",
      `optimised volatility ${result.volatility} exceeds the registry's volatility budget ${parameters.volatilityBudget}`,
      "strategyParameters.volatilityBudget",
    );
  }
  if (rawModel === undefined) {
    return { ...result, model: null, modelUnavailable: "the pinned optimiser bundle returns no model" };
  }
  try {
    return { ...result, model: parseOptimizerModel(rawModel) };
  } catch (error) {
    const reason = `the pinned optimiser bundle's model is unusable: ${error instanceof Error ? error.message : String(error)}`;
    log.warn({ err: String(error) }, reason);
    return { ...result, model: null, modelUnavailable: reason };
  }
}

/**
 * Legs to `targetWeights` at the oracle prices and vault balances (slippage = the registry's
 * `maxSlippageBps`, minimum trade from the constraint set, USD, default 10); when the deployment
 * names a router, each leg is quoted on it and flagged legs' assets are excluded from a second plan.
 * A leg quoted 0 means the venue cannot price that token at all (no pool, no liquidity, a wrong
 * router or base token): the cycle is refused with a critical alert, {@link RejectedError}
 * `VENUE_CANNOT_PRICE`, rather than planned around and reported as `nothing-to-do` forever.
 *
 * @example
 * ```ts
 * const plan = await planCycleLegs(ctx, log, { holdings, prices, targetWeights, constraintSet, maxSlippageBps: 80, retry });
 * ```
 */
export async function planCycleLegs(
  ctx: KeeperCycleContext,
  log: Logger,
  p: {
    readonly holdings: readonly Holding[];
    readonly prices: readonly bigint[];
    readonly targetWeights: readonly number[];
    readonly constraintSet: ConstraintSetJson;
    readonly maxSlippageBps: number;
    readonly retry: WithRetryOptions;
  },
): Promise<PlanLegsReturnType> {
  const { deployment } = ctx;
  const baseToken = deployment.baseToken ?? p.holdings[0]?.token ?? fail("vault", "no assets");
  const minTradeValueUsd = BigInt(Math.round((p.constraintSet.minTradeValueUsd ?? 10) * 1e6)) * 10n ** 12n;
  const planParameters = {
    holdings: p.holdings,
    prices: p.prices,
    targetWeights: p.targetWeights,
    baseToken,
    venue: () => deployment.venue,
    minTradeValueUsd,
    maxSlippageBps: p.maxSlippageBps,
  };
  let plan = planLegs(planParameters);
  if (deployment.router !== undefined && plan.legs.length > 0) {
    const router = deployment.router;
    const quotes = await quoteLegsUniswapV2(ctx.client, { legs: plan.legs, router, retry: p.retry });
    await refuseUnpricedLegs(ctx, log, { legs: plan.legs, quotes, holdings: p.holdings, baseToken, router });
    const check = quoteCheck(plan.legs, quotes);
    if (!check.ok) {
      const exclude = check.flagged.map(({ leg }) => (leg.sellToken === baseToken ? leg.buyToken : leg.sellToken));
      log.warn(
        { flagged: check.flagged.map((f) => ({ leg: f.index, shortfallBps: f.shortfallBps.toString() })) },
        "legs flagged by venue quotes, replanning without them",
      );
      plan = planLegs({ ...planParameters, exclude });
    }
  }
  return plan;
}

/**
 * Refuses the cycle when the router quotes 0 for any leg. A shortfall is slippage and is planned
 * around; zero is no market — every leg at zero is what a wrong router or base token looks like —
 * and excluding those tokens would leave the keeper silently doing nothing on every cycle.
 */
async function refuseUnpricedLegs(
  ctx: KeeperCycleContext,
  log: Logger,
  p: {
    readonly legs: readonly Leg[];
    readonly quotes: readonly bigint[];
    readonly holdings: readonly Holding[];
    readonly baseToken: Address;
    readonly router: Address;
  },
): Promise<void> {
  const unpriced = p.legs.filter((_leg, i) => p.quotes[i] === 0n);
  if (unpriced.length === 0) return;
  const symbolOf = (token: Address): string => p.holdings.find((h) => sameAddress(h.token, token))?.symbol ?? token;
  const tokens = [
    ...new Set(unpriced.map((l) => symbolOf(sameAddress(l.sellToken, p.baseToken) ? l.buyToken : l.sellToken))),
  ];
  const what = `router ${p.router} quotes 0 for ${unpriced.length} of ${p.legs.length} legs (${tokens.join(", ")} against ${symbolOf(p.baseToken)})`;
  await publishAlert(ctx.bus, log, {
    kind: "keeper",
    severity: "critical",
    portfolio: ctx.deployment.vault,
    message: `venue cannot price ${tokens.join(", ")}: ${what}; refusing to rebalance`,
  });
  throw new RejectedError(
    "VENUE_CANNOT_PRICE",
    `${what}: no pool or no liquidity; check the deployment's keeper.router and keeper.baseToken`,
    `${ctx.deploymentSource ?? "deployment"}:keeper.router`,
  );
}
