// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {SettlementTestBase} from "./SettlementTestBase.sol";
import {SettlementHandler} from "./SettlementHandler.sol";

/// @notice Invariants over random sequences of atomic settles, RFQ locks, fills, finalisations,
/// rollbacks and replays.
contract SettlementInvariantsTest is SettlementTestBase {
    SettlementHandler internal handler;

    function setUp() public {
        _deploySystem();
        handler = new SettlementHandler(settlement, vault, venue, tokens);
        registry.setKeeper(address(handler), true);
        _targetContract(address(handler));
    }

    /// @dev The handler reaches every path the invariants speak about (guards against vacuous runs).
    function test_HandlerExercisesEveryPath() public {
        handler.settleAtomic(1, 3);
        vm.assertEq(handler.settled(), 1, "atomic settled");
        handler.lock(2, 2); // _bound(2, 1, 4) = 3 legs
        handler.fill(0, 5);
        handler.fill(1, 7);
        handler.fill(2, 0);
        handler.finalize();
        handler.lock(3, 3);
        handler.fill(1, 0);
        handler.rollback(10);
        handler.replay(0);
        handler.replay(1);
        vm.assertEq(handler.settled(), 2, "settled: one atomic, one RFQ");
        vm.assertEq(handler.rolledBack(), 1, "rolled back");
        invariant_EscrowHoldsOnlyPending();
        invariant_VaultMovesOnlyThroughFinalizedLegs();
        invariant_TerminalIsFinal();
        invariant_RollbackRestoresHoldings();
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
