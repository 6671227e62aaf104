// Steps 6 and 7 of a keeper cycle (src/keeper/cycle.ts): run the pinned optimiser (halting with a
// critical alert on failure or a broken volatility budget), then plan legs checked against quotes.
import type { Logger } from "pino";
import { InfeasibleError, RejectedError } from "../../errors.ts";
import { parseOptimizerModel, type OptimizerModel } from "../../optimizer/model.ts";
import type { OptimizerModule } from "../../protocol/bundle.ts";
import { fail } from "./chainState.ts";
import { INPUT_FILES, type ConstraintSetJson, type CycleParameters } from "../../protocol/inputs.ts";
import { publishAlert } from "./publish.ts";
import type { KeeperCycleContext } from "./types.ts";
import { planLegs } from "../legs/planLegs.ts";
import { quoteCheck } from "../legs/quoteCheck.ts";
import type { Holding, PlanLegsReturnType } from "../legs/types.ts";
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
