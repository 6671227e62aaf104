// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {SettlementTestBase} from "./SettlementTestBase.sol";
import {ISettlement} from "../../interfaces/ISettlement.sol";
import {IGuardianPausable} from "../../interfaces/IGuardianPausable.sol";
import {RebalanceInstructionLib} from "../../libraries/RebalanceInstructionLib.sol";

contract SettlementCircuitBreakerTest is SettlementTestBase {
    uint256 internal constant MAX_POSITION = 0.5e18;

    function setUp() public {
        _deploySystem();
        registry.setLimits(10_000, 1e18, MAX_POSITION, 1e18);
    }

    /// @dev Any target above the position limit halts on issue: false returned, nothing moved, the
    /// id rolled back, the nonce consumed, and every later instruction refused until governance unpauses.
    function testFuzz_PreTradeBreachHalts(uint256 heavy, uint8 which) public {
        uint256 asset = which % N;
        uint256 w = _bound(heavy, MAX_POSITION + 1, 1e18);
        RebalanceInstructionLib.RebalanceInstruction memory ins = _oneLeg(_leg(0, 1, 1e18, 1, address(venue)));
        uint256[] memory targets = new uint256[](N);
        targets[asset] = w;
        targets[(asset + 1) % N] = 1e18 - w;
        ins.targetWeights = targets;
        uint256[] memory before = _vaultBalances();

        vm.assertFalse(settlement.settle(ins), "not finalized");
        vm.assertEq(settlement.haltedBy(), ins.id, "halted by this id");
        vm.assertTrue(settlement.paused(), "a halt is a pause");
        vm.assertEq(uint256(settlement.statusOf(ins.id)), uint256(ISettlement.Status.RolledBack), "rolled back");
        vm.assertEq(settlement.lastNonce(address(vault)), ins.nonce, "nonce consumed");
        uint256[] memory afterBalances = _vaultBalances();
        for (uint256 i; i < N; ++i) vm.assertEq(afterBalances[i], before[i], "nothing moved");
        _assertEscrowEmpty();

        RebalanceInstructionLib.RebalanceInstruction memory next = _oneLeg(_leg(0, 1, 1e18, 1, address(venue)));
        vm.expectRevert(abi.encodeWithSelector(ISettlement.Settlement__IsHalted.selector, ins.id));
        settlement.settle(next);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.Settlement__IsHalted.selector, ins.id));
        settlement.lock(next);

        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, guardian));
        settlement.unpause();
        settlement.unpause();
        vm.assertEq(settlement.haltedBy(), bytes32(0), "halt cleared");
        vm.assertTrue(settlement.settle(next), "settles after unpause");
    }

    /// @dev Nobody but the guardian or governance can pause.
    function testFuzz_OnlyGuardianPauses(address caller) public {
        vm.assume(caller != guardian && caller != address(this));
        vm.prank(caller);
        vm.expectRevert(
            abi.encodeWithSelector(IGuardianPausable.GuardianPausable__NotGuardianOrGovernance.selector, caller)
        );
        settlement.pause();
        vm.prank(guardian);
        settlement.pause();
        vm.assertTrue(settlement.paused(), "paused");
        RebalanceInstructionLib.RebalanceInstruction memory ins = _oneLeg(_leg(0, 1, 1e18, 1, address(venue)));
        vm.expectRevert(
            abi.encodeWithSelector(IGuardianPausable.GuardianPausable__UnexpectedPauseState.selector, true)
        );
        settlement.settle(ins);
    }
}
