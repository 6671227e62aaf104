// SPDX-License-Identifier: MIT
// solhint-disable one-contract-per-file
// (the handlers live beside the invariants they serve: the fuzzer only targets contracts from test files)
pragma solidity ^0.8.24;

import {TestBase} from "../utils/TestBase.sol";
import {PortfolioTimelock} from "../../governance/PortfolioTimelock.sol";
import {TimelockProbe} from "../../mocks/TimelockProbe.sol";

/// @notice Drives a real PortfolioTimelock (OpenZeppelin TimelockController, 48 h) through random
/// schedule / cancel / execute / warp sequences, as the governor (proposer, executor) and the guardian
/// (canceller) would, and keeps ghost records of what each operation was allowed to do.
contract TimelockHandler is TestBase {
    uint256 public constant DELAY = 48 hours;

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

    constructor() {
        probe = new TimelockProbe();
        address[] memory self = new address[](1);
        self[0] = address(this);
        // This handler plays the governor (proposer + canceller, executor); the timelock administers itself.
        timelock = new PortfolioTimelock(DELAY, self, self, address(0));
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

    function _id(uint256 nonce) private view returns (bytes32) {
        return timelock.hashOperation(address(probe), 0, _data(nonce), bytes32(0), bytes32(nonce));
    }
}

/// @notice Timelock state machine: a cancelled operation never executes; nothing executes before its
/// ready timestamp (at least 48 h after scheduling); the delay never drops below 48 h.
contract TimelockInvariantsTest is TestBase {
    TimelockHandler private _handler;

    function setUp() public {
        _handler = new TimelockHandler();
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
}
