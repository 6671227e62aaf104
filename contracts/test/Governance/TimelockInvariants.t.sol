// SPDX-License-Identifier: MIT
// solhint-disable one-contract-per-file
// (the handlers live beside the invariants they serve: the fuzzer only targets contracts from test files)
pragma solidity ^0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {TestBase} from "../utils/TestBase.sol";
import {PortfolioTimelock} from "../../governance/PortfolioTimelock.sol";
import {IGuardianPausable} from "../../interfaces/IGuardianPausable.sol";
import {EntrenchableTimelock} from "../../mocks/EntrenchableTimelock.sol";
import {TimelockProbe} from "../../mocks/TimelockProbe.sol";

/// @notice Drives a real PortfolioTimelock (OpenZeppelin TimelockController, 48 h) through random
/// schedule / cancel / execute / warp sequences, as the governor (proposer, executor) and the guardian
/// (canceller) would, and keeps ghost records of what each operation was allowed to do. Besides
/// ordinary operations it schedules guardian-protected ones (replacing or removing the guardian) and
/// has the guardian try to cancel them.
contract TimelockHandler is TestBase {
    uint256 public constant DELAY = 48 hours;
    address public constant GUARDIAN = address(0x5AFE);

    PortfolioTimelock public timelock;
    TimelockProbe public probe;

    /// @dev Ghost clock: the invariant runner may reset block.timestamp between calls, the handler does not.
    uint256 public now_;
    uint256 public scheduled;
    mapping(uint256 nonce => uint256) public readyAt;
    mapping(uint256 nonce => bool) public cancelled;
    uint256 public ghostExecutions;
    /// @dev Executions that the ghost records say should have been impossible.
    uint256 public ghostViolations;

    uint256 public protectedScheduled;
    mapping(uint256 nonce => bool) public protectedCancelledByGovernor;
    uint256 public guardianCancelAttemptsOnProtected;
    /// @dev Guardian cancels of protected operations that went through: must stay zero.
    uint256 public ghostGuardianCancelledProtected;

    /// @param entrenchable Use the deliberately broken {EntrenchableTimelock} (tests of the invariants only).
    constructor(bool entrenchable) {
        probe = new TimelockProbe();
        address[] memory self = new address[](1);
        self[0] = address(this);
        // This handler plays the governor (proposer + canceller, executor); the timelock administers
        // itself once the guardian holds CANCELLER_ROLE.
        timelock =
            entrenchable
                ? new EntrenchableTimelock(DELAY, self, self, address(this))
                : new PortfolioTimelock(DELAY, self, self, address(this));
        timelock.grantRole(timelock.CANCELLER_ROLE(), GUARDIAN);
        timelock.renounceRole(timelock.DEFAULT_ADMIN_ROLE(), address(this));
        now_ = block.timestamp;
    }

    function schedule(uint256 extraDelay) external {
        vm.warp(now_);
        uint256 delay = DELAY + _bound(extraDelay, 0, 3 days);
        uint256 nonce = ++scheduled;
        timelock.schedule(address(probe), 0, _data(nonce), bytes32(0), bytes32(nonce), delay);
        readyAt[nonce] = now_ + delay;
    }

    function cancel(uint256 pick) external {
        if (scheduled == 0) return;
        vm.warp(now_);
        uint256 nonce = _bound(pick, 1, scheduled);
        try timelock.cancel(_id(nonce)) {
            cancelled[nonce] = true;
        } catch {} // solhint-disable-line no-empty-blocks
    }

    /// @dev The guardian may cancel ordinary operations as before.
    function guardianCancel(uint256 pick) external {
        if (scheduled == 0) return;
        vm.warp(now_);
        uint256 nonce = _bound(pick, 1, scheduled);
        bytes32 id = _id(nonce); // before the prank: hashing is an external call too
        vm.prank(GUARDIAN);
        try timelock.cancel(id) {
            cancelled[nonce] = true;
        } catch {} // solhint-disable-line no-empty-blocks
    }

    /// @dev Never executed: nothing here moves a protected operation on but a cancel.
    function scheduleProtected(uint256 extraDelay) external {
        vm.warp(now_);
        uint256 nonce = ++protectedScheduled;
        (address target, bytes memory data) = _protectedCall(nonce);
        timelock.schedule(target, 0, data, bytes32(0), bytes32(nonce), DELAY + _bound(extraDelay, 0, 3 days));
    }

    function guardianCancelProtected(uint256 pick) external {
        if (protectedScheduled == 0) return;
        vm.warp(now_);
        uint256 nonce = _bound(pick, 1, protectedScheduled);
        ++guardianCancelAttemptsOnProtected;
        bytes32 id = protectedId(nonce); // before the prank: hashing is an external call too
        vm.prank(GUARDIAN);
        try timelock.cancel(id) {
            ++ghostGuardianCancelledProtected;
        } catch {} // solhint-disable-line no-empty-blocks
    }

    function governorCancelProtected(uint256 pick) external {
        if (protectedScheduled == 0) return;
        vm.warp(now_);
        uint256 nonce = _bound(pick, 1, protectedScheduled);
        try timelock.cancel(protectedId(nonce)) {
            protectedCancelledByGovernor[nonce] = true;
        } catch {} // solhint-disable-line no-empty-blocks
    }

    function protectedId(uint256 nonce) public view returns (bytes32) {
        (address target, bytes memory data) = _protectedCall(nonce);
        return timelock.hashOperation(target, 0, data, bytes32(0), bytes32(nonce));
    }

    /// @dev Tries any operation, ready or not, cancelled or not: the timelock must refuse the wrong ones.
    function execute(uint256 pick) external {
        if (scheduled == 0) return;
        vm.warp(now_);
        uint256 nonce = _bound(pick, 1, scheduled);
        try timelock.execute(address(probe), 0, _data(nonce), bytes32(0), bytes32(nonce)) {
            ++ghostExecutions;
            if (cancelled[nonce] || now_ < readyAt[nonce]) ++ghostViolations;
        } catch {} // solhint-disable-line no-empty-blocks
    }

    /// @dev Tries to shorten the delay directly; only a scheduled self-call could, and the floor refuses it.
    function shortenDelay(uint256 newDelay) external {
        try timelock.updateDelay(_bound(newDelay, 0, DELAY - 1)) {
            ++ghostViolations;
        } catch {} // solhint-disable-line no-empty-blocks
    }

    function warp(uint256 seconds_) external {
        now_ += _bound(seconds_, 0, 2 days);
        vm.warp(now_);
    }

    function _data(uint256 nonce) private pure returns (bytes memory) {
        return abi.encodeCall(TimelockProbe.hit, (nonce));
    }

    /// @dev Replace the guardian of some contract, revoke its CANCELLER_ROLE, or grant it to a successor.
    function _protectedCall(uint256 nonce) private view returns (address target, bytes memory data) {
        address successor = address(uint160(0x5AFE0000 + nonce));
        uint256 kind = nonce % 3;
        if (kind == 0) return (address(probe), abi.encodeCall(IGuardianPausable.setGuardian, (successor)));
        bytes32 canceller = timelock.CANCELLER_ROLE();
        if (kind == 1) return (address(timelock), abi.encodeCall(IAccessControl.revokeRole, (canceller, GUARDIAN)));
        return (address(timelock), abi.encodeCall(IAccessControl.grantRole, (canceller, successor)));
    }

    function _id(uint256 nonce) private view returns (bytes32) {
        return timelock.hashOperation(address(probe), 0, _data(nonce), bytes32(0), bytes32(nonce));
    }
}

/// @notice The check behind "a protected operation is never cancelled by the guardian", callable on
/// its own so that a test can show it fails against a broken timelock.
contract GuardianCancelCheck is TestBase {
    /// @dev Reverts (a failed vm.assert*) when the guardian got a protected operation cancelled.
    function check(TimelockHandler handler) external view {
        vm.assertEq(handler.ghostGuardianCancelledProtected(), 0, "the guardian cancelled a protected operation");
        PortfolioTimelock timelock = handler.timelock();
        uint256 n = handler.protectedScheduled();
        for (uint256 nonce = 1; nonce <= n; ++nonce) {
            bytes32 id = handler.protectedId(nonce);
            vm.assertTrue(timelock.isGuardianProtected(id), "scheduled as protected");
            if (handler.protectedCancelledByGovernor(nonce)) continue;
            vm.assertTrue(timelock.isOperationPending(id), "a protected operation vanished without the governor");
        }
    }
}

/// @notice Timelock state machine: a cancelled operation never executes; nothing executes before its
/// ready timestamp (at least 48 h after scheduling); the delay never drops below 48 h; a protected
/// operation is never cancelled by the guardian.
contract TimelockInvariantsTest is TestBase {
    TimelockHandler private _handler;
    GuardianCancelCheck private _guardianCheck;

    function setUp() public {
        _handler = new TimelockHandler(false);
        _guardianCheck = new GuardianCancelCheck();
        _targetContract(address(_handler));
    }

    function invariant_CancelledNeverExecutesAndNothingRunsEarly() public view {
        vm.assertEq(_handler.ghostViolations(), 0, "ghost violations");
        TimelockProbe probe = _handler.probe();
        uint256 n = _handler.scheduled();
        for (uint256 nonce = 1; nonce <= n; ++nonce) {
            uint256 ranAt = probe.executedAt(nonce);
            if (ranAt == 0) continue;
            vm.assertFalse(_handler.cancelled(nonce), "a cancelled operation ran");
            vm.assertGe(ranAt, _handler.readyAt(nonce), "ran before its ready timestamp");
        }
        vm.assertEq(probe.executions(), _handler.ghostExecutions(), "executions match the handler's");
    }

    function invariant_DelayStaysAtLeast48Hours() public view {
        vm.assertGe(_handler.timelock().getMinDelay(), 48 hours, "min delay");
    }
    function invariant_ProtectedOperationNeverCancelledByTheGuardian() public view {
        _guardianCheck.check(_handler);
    }
}

/// @notice The guardian invariant is not vacuous: the same guardian cancel that the real timelock
/// refuses goes through on a harness that skips the check, and the invariant's check then fails.
contract GuardianCancelCheckCatchesEntrenchmentTest is TestBase {
    GuardianCancelCheck private _guardianCheck;

    function setUp() public {
        _guardianCheck = new GuardianCancelCheck();
    }

    function test_CheckPassesOnPortfolioTimelock() public {
        TimelockHandler handler = _guardianCancelsItsReplacement(false);
        vm.assertEq(handler.ghostGuardianCancelledProtected(), 0, "refused");
        _guardianCheck.check(handler);
    }

    function test_CheckFailsOnAHarnessThatSkipsTheGuardianCheck() public {
        TimelockHandler handler = _guardianCancelsItsReplacement(true);
        vm.assertEq(handler.ghostGuardianCancelledProtected(), 3, "the broken harness let it cancel");
        try _guardianCheck.check(handler) {
            vm.assertTrue(false, "the invariant check should have failed");
        } catch {} // solhint-disable-line no-empty-blocks
    }

    function _guardianCancelsItsReplacement(bool entrenchable) private returns (TimelockHandler handler) {
        handler = new TimelockHandler(entrenchable);
        for (uint256 i = 0; i < 3; ++i) handler.scheduleProtected(i); // one of each kind
        for (uint256 nonce = 1; nonce <= 3; ++nonce) handler.guardianCancelProtected(nonce);
        vm.assertEq(handler.guardianCancelAttemptsOnProtected(), 3, "attempts");
    }
}
