// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {TestBase} from "../utils/TestBase.sol";
import {ISettlement} from "../../interfaces/ISettlement.sol";
import {PostTradeChecks} from "../../libraries/PostTradeChecks.sol";

contract PostTradeChecksWeighTest is TestBase {
    /// @dev Weights of any non-empty portfolio sum to 1e18 within one wei of rounding per asset.
    function testFuzz_WeightsSumToOne(uint256[4] calldata rawBalances, uint256[4] calldata rawPrices) public pure {
        uint256[] memory balances = new uint256[](4);
        uint256[] memory prices = new uint256[](4);
        for (uint256 i; i < 4; ++i) {
            balances[i] = _bound(rawBalances[i], 0, 1e30);
            prices[i] = _bound(rawPrices[i], 1, 1e36);
        }
        (uint256 nav, uint256[] memory weights) = PostTradeChecks.weigh(balances, prices);
        vm.assume(nav > 0);
        uint256 sum;
        for (uint256 i; i < 4; ++i) sum += weights[i];
        vm.assertLe(sum, 1e18, "sum <= 1");
        vm.assertGe(sum + 4, 1e18, "sum >= 1 - rounding");
    }

    /// @dev Closed form: $600k/$400k/$0 against targets 40/40/20 is a one-way turnover of 20%.
    function test_TurnoverClosedForm() public pure {
        uint256[] memory a = new uint256[](3);
        uint256[] memory b = new uint256[](3);
        (a[0], a[1], a[2]) = (0.6e18, 0.4e18, 0);
        (b[0], b[1], b[2]) = (0.4e18, 0.4e18, 0.2e18);
        vm.assertEq(PostTradeChecks.turnover(a, b), 0.2e18, "turnover");
        vm.assertEq(PostTradeChecks.turnover(b, a), 0.2e18, "symmetric");
    }

    /// @dev NAV loss is flagged exactly when (pre − post)·10 000 > maxLossBps·pre.
    function testFuzz_NavLossBoundary(uint256 preNav, uint256 lossBps, uint16 maxLossBps) public pure {
        preNav = _bound(preNav, 1e18, 1e30);
        lossBps = _bound(lossBps, 0, 10_000);
        uint256 postNav = preNav - (preNav * lossBps) / 10_000;
        uint256[] memory w = new uint256[](1);
        w[0] = 1e18;
        PostTradeChecks.Limits memory limits = PostTradeChecks.Limits(maxLossBps, 1e18, 1e18, 1e18);
        PostTradeChecks.Breach memory breach = PostTradeChecks.postTrade(preNav, w, postNav, w, w, limits);
        bool expected = (preNav - postNav) * 10_000 > uint256(maxLossBps) * preNav;
        vm.assertEq(breach.check == ISettlement.Check.NavLoss, expected, "flagged iff over the bound");
    }
}
