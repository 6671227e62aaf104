// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {SettlementTestBase} from "./SettlementTestBase.sol";
import {SettlementHandler} from "./SettlementHandler.sol";
import {ISettlement} from "../../interfaces/ISettlement.sol";
import {Vm} from "../utils/Vm.sol";
import {AuditFoldProbe} from "./AuditFoldProbe.sol";

/// @notice Invariants over random sequences of atomic settles, RFQ locks, fills, finalisations,
/// rollbacks and replays.
contract SettlementInvariantsTest is SettlementTestBase {
    SettlementHandler internal handler;

    /// @dev A budget of 3 % of NAV refilling over a day: random legs at 1 % below the quote exhaust it.
    uint64 internal constant BUDGET = 0.03e18;

    function setUp() public {
        _deploySystem();
        handler = new SettlementHandler(settlement, vault, venue, tokens, registry, guardian);
        registry.setKeeper(address(handler), true);
        settlement.setMaker(address(handler), true);
        settlement.setPortfolioPolicy(address(vault), ISettlement.PortfolioPolicy(BUDGET, 1 days, 0));
        settlement.transferOwnership(address(handler));
        handler.acceptOwnership();
        _targetContract(address(handler));
    }

    /// @dev The handler reaches every path the invariants speak about (guards against vacuous runs).
    function test_HandlerExercisesEveryPath() public {
        uint256 entriesBefore = settlement.auditCount();
        handler.settleAtomic(1, 3);
        vm.assertEq(handler.settled(), 1, "atomic settled");
        handler.lock(2, 2); // _bound(2, 1, 4) = 3 legs
        handler.fill(0, 5, 0);
        handler.fill(0, 5, 0); // a double fill, refused
        handler.fill(1, 7, 1); // an overfill, refused
        handler.fill(1, 7, 2); // an underfill, refused
        handler.fill(1, 7, 0);
        handler.fill(2, 0, 0);
        handler.finalize();
        handler.lock(3, 3);
        handler.fill(1, 0, 0);
        handler.rollback(10);
        handler.replay(0);
        handler.replay(1);
        vm.assertEq(handler.settled(), 2, "settled: one atomic, one RFQ");
        vm.assertEq(handler.rolledBack(), 1, "rolled back");
        invariant_EscrowHoldsOnlyPending();
        invariant_VaultMovesOnlyThroughFinalizedLegs();
        invariant_TerminalIsFinal();
        invariant_RollbackRestoresHoldings();
        invariant_LossWithinBudget();
        invariant_FillsExactlyAtLimit();
        invariant_AuditHeadIsFoldOfEventsWithPayloads();
        vm.assertGe(handler.ghostCount() - entriesBefore, 10, "the fold saw the lifecycle's audited events");
    }

    /// @dev The bad paths are reached too: a failed finalisation halts the portfolio, a guardian
    /// cancel rolls back, and repeated lossy settles exhaust the budget.
    function test_HandlerExercisesEveryBadPath() public {
        handler.lock(4, 1);
        handler.setTolerance(1); // no executed weight can be within 1 wei of its target
        for (uint8 leg; leg < 4; ++leg) handler.fill(leg, 0, 0);
        handler.finalize();
        vm.assertEq(handler.halts(), 1, "failed post-trade check halted the portfolio");
        handler.setTolerance(1e18);
        handler.lock(5, 1);
        handler.cancel(true);
        vm.warp(block.timestamp + 1 days); // the budget refills fully
        vm.prank(address(handler)); // governance: a budget of 0.002 %, below a few settles' worst cases
        settlement.setPortfolioPolicy(address(vault), ISettlement.PortfolioPolicy(2e13, 1 days, 0));
        for (uint256 i; i < 20; ++i) handler.settleAtomic(100 + i, 5);
        vm.assertGt(handler.halts(), 1, "the loss budget ran out");
        invariant_LossWithinBudget();
        invariant_RollbackRestoresHoldings();
        invariant_AuditHeadIsFoldOfEventsWithPayloads();
    }

    /// @dev Each invariant fails once the property it states is violated (so none is vacuous): escrow
    /// or vault balances off the books, a rollback that does not restore, a budget overrun.
    function test_InvariantsCanFail() public {
        tokens[0].mint(address(settlement), 1);
        vm.expectRevert();
        this.invariant_EscrowHoldsOnlyPending();
        tokens[1].mint(address(vault), 1);
        vm.expectRevert();
        this.invariant_VaultMovesOnlyThroughFinalizedLegs();

        handler.lock(6, 1);
        tokens[2].mint(address(vault), 1); // the vault changes while pending: rollback cannot restore it
        handler.rollback(0);
        vm.expectRevert();
        this.invariant_RollbackRestoresHoldings();

        handler.settleAtomic(7, 5);
        vm.assertGt(settlement.lossUsed(address(vault)), 0, "some loss charged");
        vm.prank(address(handler));
        settlement.setPortfolioPolicy(address(vault), ISettlement.PortfolioPolicy(0, 1 days, 0));
        vm.expectRevert();
        this.invariant_LossWithinBudget();
    }

    /// @dev A terminal id that moves again, a fill other than the limit accepted, an audit entry
    /// that does not match its event, a head that is not the fold: each fails its invariant. The
    /// settlement refuses all four, so the harness breaks its storage to stand for a broken one.
    function test_InvariantsCanFailBrokenHarness() public {
        handler.lock(8, 1);
        handler.rollback(0);
        bytes32 id = handler.terminalIds()[0]; // a two-step id: atomic ones have no per-id slot
        vm.store(address(settlement), _statusSlot(id), bytes32(uint256(ISettlement.Status.PendingFinality)));
        handler.replay(0); // the "pending" id rolls back: a terminal id moved
        vm.expectRevert();
        this.invariant_TerminalIsFinal();

        handler.lock(9, 1);
        bytes32 pending = settlement.pendingOf(address(vault));
        bytes32 limitSlot = bytes32(uint256(keccak256(abi.encode(_legsSlot(pending)))) + 3); // leg 0's minAmountOut
        vm.store(address(settlement), limitSlot, bytes32(uint256(vm.load(address(settlement), limitSlot)) + 1));
        handler.fill(0, 0, 1); // an overfill by one unit, now "exactly the limit" to the broken escrow
        vm.expectRevert();
        this.invariant_FillsExactlyAtLimit();

        // The fold on its own: a real entry folds cleanly; the same entry with its event's data
        // changed does not.
        (bytes32 head, uint256 count) = (settlement.auditHead(), settlement.auditCount());
        vm.recordLogs();
        vm.prank(address(handler));
        settlement.setMaker(address(0xABC), true);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        AuditFoldProbe clean = new AuditFoldProbe(address(settlement), head, count);
        clean.fold(logs);
        vm.assertEq(clean.ghostMismatches(), 0, "a real entry folds cleanly");
        vm.assertEq(clean.ghostHead(), settlement.auditHead(), "and reaches the head");
        logs[0].data = abi.encode(false); // MakerSet(maker, allowed): the event now says "disallowed"
        AuditFoldProbe tampered = new AuditFoldProbe(address(settlement), head, count);
        tampered.fold(logs);
        vm.assertEq(tampered.ghostMismatches(), 1, "the payload no longer matches its event");
        // The handler never saw that entry (the test took the logs): its fold is behind the chain.
        vm.expectRevert();
        this.invariant_AuditHeadIsFoldOfEventsWithPayloads();
    }

    /// @dev `_status[id]`'s slot, found by its value (storage layouts are not part of the ABI).
    function _statusSlot(bytes32 id) private view returns (bytes32) {
        for (uint256 s; s < 64; ++s) {
            bytes32 slot = keccak256(abi.encode(id, s));
            if (uint256(vm.load(address(settlement), slot)) == uint256(ISettlement.Status.RolledBack)) return slot;
        }
        revert("status slot not found");
    }

    /// @dev The slot of `_pending[id].legs` (the array's length), found by the struct's first word,
    /// which holds the portfolio; `legs` is the struct's fourth slot.
    function _legsSlot(bytes32 id) private view returns (bytes32) {
        for (uint256 s; s < 64; ++s) {
            bytes32 base = keccak256(abi.encode(id, s));
            if (address(uint160(uint256(vm.load(address(settlement), base)))) == address(vault)) {
                return bytes32(uint256(base) + 3);
            }
        }
        revert("pending slot not found");
    }

    /// @dev The settlement's audit head and count are the fold of its logs, each entry's payload hash
    /// recomputed from its event (docs/audit-chain.md), with no entry out of place.
    function invariant_AuditHeadIsFoldOfEventsWithPayloads() public view {
        vm.assertEq(handler.ghostMismatches(), 0, "an audit entry does not match its event");
        vm.assertEq(settlement.auditCount(), handler.ghostCount(), "audit count = entries folded");
        vm.assertEq(settlement.auditHead(), handler.ghostHead(), "audit head = fold of the events");
    }

    /// @dev The portfolio's charged loss never exceeds its budget, and every settlement charges at
    /// least the NAV it measurably lost.
    function invariant_LossWithinBudget() public view {
        vm.assertLe(
            settlement.lossUsed(address(vault)),
            settlement.portfolioPolicy(address(vault)).lossBudget,
            "loss within budget"
        );
        vm.assertFalse(handler.lossUndercharged(), "a settlement lost more than it charged");
    }

    /// @dev RFQ legs are filled once, with exactly their limit.
    function invariant_FillsExactlyAtLimit() public view {
        vm.assertFalse(handler.badFillAccepted(), "an over-, under- or double fill was accepted");
    }

    /// @dev The escrow holds exactly the pending instruction's sell amounts and fills: zero after
    /// every settle, finalisation or rollback.
    function invariant_EscrowHoldsOnlyPending() public view {
        for (uint256 i; i < N; ++i) {
            vm.assertEq(
                tokens[i].balanceOf(address(settlement)),
                handler.pendingSell(i) + handler.pendingFill(i),
                "escrow = pending sells + fills"
            );
        }
    }

    /// @dev No asset leaves the vault except through a finalized leg at or better than its limit
    /// (or into escrow for a pending instruction).
    function invariant_VaultMovesOnlyThroughFinalizedLegs() public view {
        vm.assertFalse(handler.legBelowLimit(), "a leg settled below its limit or off the books");
        for (uint256 i; i < N; ++i) {
            vm.assertEq(
                tokens[i].balanceOf(address(vault)) + handler.pendingSell(i),
                handler.ghostVault(i),
                "vault = start + finalized legs"
            );
        }
    }

    /// @dev An instruction finalizes (or rolls back) at most once.
    function invariant_TerminalIsFinal() public view {
        vm.assertFalse(handler.finalizedTwice(), "a terminal id moved again");
    }

    /// @dev Rollback restores the vault's holdings exactly.
    function invariant_RollbackRestoresHoldings() public view {
        vm.assertFalse(handler.rollbackInexact(), "rollback left the vault changed");
    }
}
