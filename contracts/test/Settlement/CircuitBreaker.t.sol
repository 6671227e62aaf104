// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {SettlementTestBase} from "./SettlementTestBase.sol";
import {ISettlement} from "../../interfaces/ISettlement.sol";
import {IGuardianPausable} from "../../interfaces/IGuardianPausable.sol";
import {PortfolioVault} from "../../vault/PortfolioVault.sol";
import {RebalanceInstructionLib} from "../../libraries/RebalanceInstructionLib.sol";

contract SettlementCircuitBreakerTest is SettlementTestBase {
    uint256 internal constant MAX_POSITION = 0.5e18;

    function setUp() public {
        _deploySystem();
        registry.setLimits(10_000, 1e18, MAX_POSITION, 1e18);
    }

    /// @dev Any target above the position limit halts its portfolio on issue: false returned, nothing
    /// moved, the id rolled back, the nonce consumed, and every later instruction of that portfolio
    /// refused until governance resumes it. The settlement itself is not paused.
    function testFuzz_PreTradeBreachHaltsThePortfolio(uint256 heavy, uint8 which) public {
        uint256 asset = which % N;
        uint256 w = _bound(heavy, MAX_POSITION + 1, 1e18);
        RebalanceInstructionLib.RebalanceInstruction memory ins = _oneLeg(_leg(0, 1, 1e18, 1, address(venue)));
        uint256[] memory targets = new uint256[](N);
        targets[asset] = w;
        targets[(asset + 1) % N] = 1e18 - w;
        ins.targetWeights = targets;
        uint256[] memory before = _vaultBalances();

        vm.assertFalse(settlement.settle(ins), "not finalized");
        vm.assertEq(settlement.haltedBy(address(vault)), ins.id, "halted by this id");
        vm.assertFalse(settlement.paused(), "a portfolio halt is not a pause");
        vm.assertEq(uint256(settlement.statusOf(ins.id)), uint256(ISettlement.Status.RolledBack), "rolled back");
        vm.assertEq(settlement.lastNonce(address(vault)), ins.nonce, "nonce consumed");
        uint256[] memory afterBalances = _vaultBalances();
        for (uint256 i; i < N; ++i) vm.assertEq(afterBalances[i], before[i], "nothing moved");
        _assertEscrowEmpty();

        RebalanceInstructionLib.RebalanceInstruction memory next = _oneLeg(_leg(0, 1, 1e18, 1, address(venue)));
        bytes memory halted = abi.encodeWithSelector(
            ISettlement.Settlement__PortfolioHalted.selector,
            address(vault),
            ins.id
        );
        vm.expectRevert(halted);
        settlement.settle(next);
        vm.expectRevert(halted);
        settlement.lock(next);

        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, guardian));
        settlement.resume(address(vault));
        settlement.resume(address(vault));
        vm.assertEq(settlement.haltedBy(address(vault)), bytes32(0), "halt cleared");
        vm.assertTrue(settlement.settle(next), "settles after resume");
        vm.expectRevert(abi.encodeWithSelector(ISettlement.Settlement__PortfolioNotHalted.selector, address(vault)));
        settlement.resume(address(vault));
    }

    /// @dev A halt stops only its own portfolio: a second vault on the same settlement settles on.
    function test_HaltIsPerPortfolio() public {
        PortfolioVault other = new PortfolioVault(address(this), address(settlement), assetList);
        for (uint256 i; i < N; ++i) tokens[i].mint(address(other), HOLDING);
        settlement.setPortfolio(address(other), true);
        settlement.setPortfolioPolicy(address(other), ISettlement.PortfolioPolicy(1e18, 1 days, 0));

        RebalanceInstructionLib.RebalanceInstruction memory bad = _oneLeg(_leg(0, 1, 1e18, 1, address(venue)));
        bad.targetWeights = new uint256[](N);
        bad.targetWeights[0] = 1e18;
        vm.assertFalse(settlement.settle(bad), "halted");

        RebalanceInstructionLib.RebalanceInstruction memory ok = _oneLeg(_leg(0, 1, 1e18, 1, address(venue)));
        ok.portfolio = address(other);
        ok.nonce = 1;
        vm.assertTrue(settlement.settle(ok), "the other portfolio settles");
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

    /// @dev Attack: the registry's pause ignored. A paused registry stops admission on both paths.
    function test_RegistryPauseStopsAdmission() public {
        registry.setPaused(true);
        RebalanceInstructionLib.RebalanceInstruction memory ins = _oneLeg(_leg(0, 1, 1e18, 1, address(venue)));
        vm.expectRevert(ISettlement.Settlement__RegistryPaused.selector);
        settlement.settle(ins);
        vm.expectRevert(ISettlement.Settlement__RegistryPaused.selector);
        settlement.lock(ins);
        registry.setPaused(false);
        vm.assertTrue(settlement.settle(ins), "settles once the registry runs again");
    }
}
