// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {SettlementTestBase} from "./SettlementTestBase.sol";
import {ISettlement} from "../../interfaces/ISettlement.sol";
import {RebalanceInstructionLib} from "../../libraries/RebalanceInstructionLib.sol";

/// @notice What a compromised keeper key can do with the atomic path, and the limits that bound it:
/// each leg's oracle floor, the rolling loss budget and the pacing, all enforced on chain.
contract SettlementLimitsTest is SettlementTestBase {
    uint16 internal constant SLIPPAGE_BPS = 100;

    function setUp() public {
        _deploySystem();
        registry.setLimits(SLIPPAGE_BPS, 1e18, 1e18, 1e18);
    }

    /// @dev A leg whose limit is worth less than its input less the per-leg slippage limit is refused
    /// with the leg, the floor and the limit's value; at the floor it settles.
    function testFuzz_LimitBelowOracleFloorRefused(uint256 amountIn, uint256 below) public {
        amountIn = _bound(amountIn, 1e12, 10_000e18);
        // $1 tokens: the floor is amountIn · (1 − 1 %).
        uint256 floor = (amountIn * (10_000 - SLIPPAGE_BPS)) / 10_000;
        uint256 limit = floor - _bound(below, 2, floor); // one unit below is rounding slack
        RebalanceInstructionLib.RebalanceInstruction memory ins = _oneLeg(_leg(0, 1, amountIn, limit, address(venue)));
        vm.expectRevert(
            abi.encodeWithSelector(ISettlement.Settlement__LimitBelowOracleFloor.selector, 0, floor, limit)
        );
        settlement.settle(ins);
        ins.legs[0].minAmountOut = floor;
        vm.assertTrue(settlement.settle(ins), "at the floor it settles");
    }

    /// @dev Attack: many small instructions, each within the per-instruction limits, sent in one
    /// transaction to drain NAV. The rolling budget admits them only while their worst cases fit; the
    /// next halts the portfolio, and the loss charged never exceeds the budget.
    function test_ManySmallInstructionsCannotDrain() public {
        uint64 budget = 0.0002e18; // 0.02 % of NAV per day
        settlement.setPortfolioPolicy(address(vault), ISettlement.PortfolioPolicy(budget, 1 days, 0));
        uint256 navBefore = _nav();
        uint256 admitted;
        for (uint256 i; i < 50; ++i) {
            uint256 amountIn = 10_000e18;
            uint256 floor = (amountIn * (10_000 - SLIPPAGE_BPS)) / 10_000;
            RebalanceInstructionLib.RebalanceInstruction memory ins = _oneLeg(
                _leg(i % N, (i + 1) % N, amountIn, floor, address(venue))
            );
            if (settlement.haltedBy(address(vault)) != bytes32(0)) break;
            if (settlement.settle(ins)) admitted += 1;
        }
        vm.assertGt(admitted, 0, "some settle");
        vm.assertTrue(admitted < 50, "the budget stops the rest");
        vm.assertTrue(settlement.haltedBy(address(vault)) != bytes32(0), "halted");
        vm.assertLe(settlement.lossUsed(address(vault)), budget, "charged within budget");
        vm.assertLe(((navBefore - _nav()) * 1e18) / navBefore, budget, "NAV lost within budget");
    }

    /// @dev The budget refills linearly: half the window after using it all, half is free again.
    function test_BudgetRefillsLinearly() public {
        settlement.setPortfolioPolicy(address(vault), ISettlement.PortfolioPolicy(0.01e18, 10 days, 0));
        RebalanceInstructionLib.RebalanceInstruction memory ins = _oneLeg(
            _leg(0, 1, 10_000e18, 9_900e18, address(venue))
        );
        vm.assertTrue(settlement.settle(ins), "settles");
        uint256 used = settlement.lossUsed(address(vault));
        vm.assertGt(used, 0, "charged");
        vm.warp(block.timestamp + 1 days);
        vm.assertEq(settlement.lossUsed(address(vault)), used > 0.001e18 ? used - 0.001e18 : 0, "a tenth refilled");
        vm.warp(block.timestamp + 10 days);
        vm.assertEq(settlement.lossUsed(address(vault)), 0, "refilled");
    }

    /// @dev Pacing: a second instruction inside the minimum interval halts the portfolio with the
    /// elapsed time and the interval; after the interval (and a resume) it settles.
    function test_PacingHaltsEarlyInstruction() public {
        settlement.setPortfolioPolicy(address(vault), ISettlement.PortfolioPolicy(1e18, 1 days, 1 hours));
        vm.assertTrue(settlement.settle(_oneLeg(_leg(0, 1, 1e18, 0.99e18, address(venue)))), "first");
        vm.warp(block.timestamp + 10 minutes);
        RebalanceInstructionLib.RebalanceInstruction memory early = _oneLeg(_leg(1, 2, 1e18, 0.99e18, address(venue)));
        vm.expectEmit(address(settlement));
        emit ISettlement.ConstraintBreached(
            early.id,
            address(vault),
            ISettlement.Check.Pacing,
            type(uint256).max,
            10 minutes,
            1 hours
        );
        vm.assertFalse(settlement.settle(early), "halted");
        vm.assertEq(settlement.haltedBy(address(vault)), early.id, "halted by it");
        settlement.resume(address(vault));
        vm.warp(block.timestamp + 1 hours);
        vm.assertTrue(settlement.settle(_oneLeg(_leg(1, 2, 1e18, 0.99e18, address(venue)))), "after the interval");
    }

    /// @dev An unconfigured portfolio fails closed: a zero budget admits no instruction that can lose.
    function test_UnsetPolicyFailsClosed() public {
        settlement.setPortfolioPolicy(address(vault), ISettlement.PortfolioPolicy(0, 1, 0));
        vm.assertFalse(settlement.settle(_oneLeg(_leg(0, 1, 1e18, 0.99e18, address(venue)))), "refused");
        vm.expectRevert(abi.encodeWithSelector(ISettlement.Settlement__InvalidPolicy.selector, 1, 0));
        settlement.setPortfolioPolicy(address(vault), ISettlement.PortfolioPolicy(1, 0, 0));
    }

    /// @dev Rotation of a fully invested portfolio in one transaction: with no base token at all, a
    /// sell's measured proceeds fund the buy after it.
    function test_RotationInOneTransaction() public {
        registry.setLimits(10_000, 1e18, 1e18, 1e18);
        settlement.setPortfolioPolicy(address(vault), ISettlement.PortfolioPolicy(1e18, 1 days, 0));
        // Token 0 plays the base: empty it first.
        settlement.settle(_oneLeg(_leg(0, 1, HOLDING, 0, address(venue))));
        vm.assertEq(tokens[0].balanceOf(address(vault)), 0, "no base token");
        uint256 proceeds = venue.quote(assetList[1], assetList[0], 100_000e18);
        RebalanceInstructionLib.Leg[] memory legs = new RebalanceInstructionLib.Leg[](2);
        legs[0] = _leg(1, 0, 100_000e18, proceeds, address(venue));
        legs[1] = _leg(0, 2, proceeds, 1, address(venue));
        uint256 before2 = tokens[2].balanceOf(address(vault));
        vm.assertTrue(settlement.settle(_instruction(legs)), "rotated");
        vm.assertGt(tokens[2].balanceOf(address(vault)), before2, "bought with the sell's proceeds");
        vm.assertEq(tokens[0].balanceOf(address(vault)), 0, "base spent exactly");

        // Buys that want more than the sells delivered revert whole, naming the leg.
        legs[0] = _leg(1, 0, 1_000e18, 1, address(venue));
        legs[1] = _leg(0, 2, 2_000e18, 1, address(venue));
        RebalanceInstructionLib.RebalanceInstruction memory greedy = _instruction(legs);
        uint256 got = venue.quote(assetList[1], assetList[0], 1_000e18);
        vm.expectRevert(
            abi.encodeWithSelector(ISettlement.Settlement__InsufficientBalance.selector, 1, assetList[0], got, 2_000e18)
        );
        settlement.settle(greedy);
    }

    /// @dev Attack: a keeper-signed atomic instruction relayed into the RFQ path (where the legs name
    /// counterparties instead of venues). The RFQ path signs another EIP-712 type, so the signature
    /// recovers some other address and is refused.
    function test_AtomicSignatureRefusedOnRfqPath() public {
        uint256 key = 0xA11CE;
        registry.setKeeper(vm.addr(key), true);
        settlement.setMaker(address(venue), true);
        RebalanceInstructionLib.RebalanceInstruction memory ins = _oneLeg(_leg(0, 1, 1e18, 0.99e18, address(venue)));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, settlement.hashTypedInstruction(ins));
        bytes memory signature = abi.encodePacked(r, s, v);
        vm.expectRevert(); // Settlement__NotKeeper(whatever the RFQ digest recovers to)
        settlement.lockSigned(ins, signature);
        vm.assertEq(settlement.lastNonce(address(vault)), 0, "nothing admitted");
        vm.assertTrue(settlement.settleSigned(ins, signature), "valid on its own path");
    }

    /// @dev The executed weights are checked, not only the targets: a trade that lands a position
    /// above the registry's cap reverts whole, though every target respects it.
    function test_ExecutedPositionAboveCapReverts() public {
        registry.setLimits(500, 1e18, 0.4e18, 1e18);
        RebalanceInstructionLib.RebalanceInstruction memory ins = _oneLeg(
            _leg(0, 1, 250_000e18, 237_500e18, address(venue))
        );
        ins.targetWeights[0] = 0.25e18;
        ins.targetWeights[1] = 0.4e18;
        ins.targetWeights[2] = 0.35e18;
        uint256[] memory before = _vaultBalances();
        // Token 1 ends at 41.5 % of NAV: 1M + the pool's constant-product output for 250k.
        vm.expectRevert(
            abi.encodeWithSelector(
                ISettlement.Settlement__PostTradeCheckFailed.selector,
                ISettlement.Check.PositionWeight,
                1,
                415_339_199_383_922_077,
                0.4e18
            )
        );
        settlement.settle(ins);
        vm.assertEq(_vaultBalances()[1], before[1], "nothing moved");
    }

    /// @dev Likewise the executed turnover: targets at the current weights (no turnover) do not let
    /// legs that trade more through.
    function test_ExecutedTurnoverAboveCapReverts() public {
        registry.setLimits(500, 1e18, 1e18, 0.01e18);
        RebalanceInstructionLib.RebalanceInstruction memory ins = _oneLeg(
            _leg(0, 1, 100_000e18, 95_000e18, address(venue))
        );
        uint256[] memory before = _vaultBalances();
        // One-way turnover 3.3 %: the 100k sold of a $3M portfolio, at the post-trade NAV.
        vm.expectRevert(
            abi.encodeWithSelector(
                ISettlement.Settlement__PostTradeCheckFailed.selector,
                ISettlement.Check.Turnover,
                type(uint256).max,
                33_204_858_681_735_390,
                0.01e18
            )
        );
        settlement.settle(ins);
        vm.assertEq(_vaultBalances()[0], before[0], "nothing moved");
    }

    function _nav() private view returns (uint256 nav) {
        for (uint256 i; i < N; ++i) nav += tokens[i].balanceOf(address(vault));
    }
}
