// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ISettlement} from "../interfaces/ISettlement.sol";

/// @title PostTradeChecks
/// @notice Portfolio arithmetic of the settlement's risk checks, on plain arrays in asset order.
/// @dev Units: balances in raw token units; prices as {IPriceOracle-priceOf} (value = amount × price
/// / 1e18); values and NAV in WAD quote currency; weights and limits in WAD (1e18 = 100%) except
/// `maxLossBps`.
///
///   value_i  = balance_i · price_i / 1e18          NAV = Σ value_i
///   w_i      = value_i · 1e18 / NAV
///   turnover = Σ |w_i − w0_i| / 2                   (one-way turnover, as the registry defines it)
///   NAV loss = (NAV0 − NAV1) / NAV0, breached when (NAV0 − NAV1) · 10 000 > maxLossBps · NAV0
library PostTradeChecks {
    /// @notice Sentinel asset index for portfolio-wide checks (NAV loss, turnover).
    uint256 internal constant PORTFOLIO = type(uint256).max;

    uint256 private constant WAD = 1e18;
    uint256 private constant BPS = 10_000;

    /// @notice The registry's limits, read once per check.
    struct Limits {
        /// @dev Maximum NAV loss of the rebalance, basis points (registry `maxSlippageBps`).
        uint256 maxLossBps;
        /// @dev Maximum |executed − target| weight per asset, WAD (registry `driftThreshold`).
        uint256 tolerance;
        /// @dev Maximum weight of any asset, WAD (constraint set `maxPositionWeight`).
        uint256 maxPositionWeight;
        /// @dev Maximum one-way turnover, WAD (constraint set `maxTurnover`).
        uint256 maxTurnover;
    }

    /// @notice The first failed check, or `check == Check.None` when all pass.
    struct Breach {
        ISettlement.Check check;
        uint256 asset;
        uint256 observed;
        uint256 limit;
    }

    /// @notice NAV (WAD) and weights (WAD) of `balances` at `prices`; weights are zero when NAV is zero.
    /// @dev Plain checked arithmetic, floor-rounded exactly as `Math.mulDiv` would be: a product that
    /// does not fit 256 bits reverts instead of mis-pricing. Realistic inputs are far from it
    /// (balances ≤ 1e30 raw units and prices ≤ 1e36 give values ≤ 1e48, times 1e18 ≤ 1e66).
    function weigh(
        uint256[] memory balances,
        uint256[] memory prices
    ) internal pure returns (uint256 nav, uint256[] memory weights) {
        uint256 n = balances.length;
        weights = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            uint256 value = (balances[i] * prices[i]) / WAD;
            weights[i] = value;
            nav += value;
        }
        if (nav == 0) return (0, weights);
        for (uint256 i; i < n; ++i) {
            weights[i] = (weights[i] * WAD) / nav;
        }
    }

    /// @notice One-way turnover Σ|a_i − b_i| / 2 between two weight vectors (WAD).
    function turnover(uint256[] memory a, uint256[] memory b) internal pure returns (uint256 sum) {
        uint256 n = a.length;
        for (uint256 i; i < n; ++i) {
            sum += a[i] > b[i] ? a[i] - b[i] : b[i] - a[i];
        }
        return sum / 2;
    }

    /// @notice Pre-trade risk thresholds: no target above the position limit, and the turnover from
    /// the current weights to the targets within the turnover limit.
    function preTrade(
        uint256[] memory targets,
        uint256[] memory currentWeights,
        Limits memory limits
    ) internal pure returns (Breach memory breach) {
        uint256 n = targets.length;
        uint256 sum;
        for (uint256 i; i < n; ++i) {
            uint256 target = targets[i];
            if (target > limits.maxPositionWeight) {
                return Breach(ISettlement.Check.PositionWeight, i, target, limits.maxPositionWeight);
            }
            uint256 w0 = currentWeights[i];
            sum += target > w0 ? target - w0 : w0 - target;
        }
        if (sum / 2 > limits.maxTurnover) {
            return Breach(ISettlement.Check.Turnover, PORTFOLIO, sum / 2, limits.maxTurnover);
        }
    }

    /// @notice Post-trade checks, first failure wins: NAV loss, position weight, weight tolerance,
    /// turnover from the pre-trade weights.
    /// @param preWeights Pre-trade weights at the same prices as `postWeights` (WAD).
    function postTrade(
        uint256 preNav,
        uint256[] memory preWeights,
        uint256 postNav,
        uint256[] memory postWeights,
        uint256[] memory targets,
        Limits memory limits
    ) internal pure returns (Breach memory breach) {
        if (postNav < preNav && (preNav - postNav) * BPS > limits.maxLossBps * preNav) {
            uint256 lossBps = Math.mulDiv(preNav - postNav, BPS, preNav, Math.Rounding.Ceil);
            return Breach(ISettlement.Check.NavLoss, PORTFOLIO, lossBps, limits.maxLossBps);
        }
        uint256 n = postWeights.length;
        for (uint256 i; i < n; ++i) {
            uint256 w = postWeights[i];
            if (w > limits.maxPositionWeight) {
                return Breach(ISettlement.Check.PositionWeight, i, w, limits.maxPositionWeight);
            }
            uint256 drift = w > targets[i] ? w - targets[i] : targets[i] - w;
            if (drift > limits.tolerance) {
                return Breach(ISettlement.Check.WeightTolerance, i, drift, limits.tolerance);
            }
        }
        uint256 t = turnover(postWeights, preWeights);
        if (t > limits.maxTurnover) {
            return Breach(ISettlement.Check.Turnover, PORTFOLIO, t, limits.maxTurnover);
        }
    }
}
