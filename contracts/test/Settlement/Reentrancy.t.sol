// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SettlementTestBase} from "./SettlementTestBase.sol";
import {ReentrantToken} from "../../mocks/ReentrantToken.sol";
import {MockAggregator} from "../../mocks/MockAggregator.sol";
import {ISettlement} from "../../interfaces/ISettlement.sol";
import {RebalanceInstructionLib} from "../../libraries/RebalanceInstructionLib.sol";

contract SettlementReentrancyTest is SettlementTestBase {
    ReentrantToken internal evil;

    function setUp() public {
        _deploySystem();
        evil = new ReentrantToken();
        oracle.setFeed(address(evil), new MockAggregator(8, 1e8), type(uint32).max);
        vault.addAsset(address(evil));
        assetList.push(address(evil));
        evil.mint(address(this), POOL);
        evil.approve(address(venue), POOL);
        venue.seed(address(evil), POOL);
        evil.mint(address(vault), HOLDING);
        registry.setKeeper(address(evil), true);
    }

    function _evilInstruction(
        uint256 amountIn
    ) internal returns (RebalanceInstructionLib.RebalanceInstruction memory ins) {
        ins = _oneLeg(RebalanceInstructionLib.Leg(address(evil), assetList[0], amountIn, 1, address(venue)));
        uint256[] memory targets = new uint256[](4);
        targets[0] = targets[1] = targets[2] = targets[3] = 0.25e18;
        ins.targetWeights = targets;
    }

    /// @dev Reentry from a token transfer into settle, lock, rollback or finalize always hits the guard.
    function testFuzz_TokenReentryFails(uint8 which, uint256 amountIn) public {
        amountIn = _bound(amountIn, 1e6, HOLDING);
        RebalanceInstructionLib.RebalanceInstruction memory outer = _evilInstruction(amountIn);
        RebalanceInstructionLib.RebalanceInstruction memory inner = _evilInstruction(1e18);
        inner.nonce = outer.nonce + 1;
        bytes[4] memory payloads = [
            abi.encodeCall(ISettlement.settle, (inner)),
            abi.encodeCall(ISettlement.lock, (inner)),
            abi.encodeCall(ISettlement.rollback, (outer.id)),
            abi.encodeCall(ISettlement.finalize, (outer.id))
        ];
        evil.arm(address(settlement), payloads[which % 4], true);
        vm.expectRevert(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
        settlement.settle(outer);

        // Swallowed failures leave the outer settlement alone and the inner one never issued.
        evil.arm(address(settlement), payloads[which % 4], false);
        settlement.settle(outer);
        vm.assertFalse(evil.reentered(), "reentry failed");
        vm.assertEq(uint256(settlement.statusOf(inner.id)), 0, "inner never issued");
        _assertEscrowEmpty();
    }
}
