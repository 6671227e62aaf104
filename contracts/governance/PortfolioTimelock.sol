// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {IPortfolioTimelock} from "../interfaces/IPortfolioTimelock.sol";

/// @title PortfolioTimelock
/// @notice OpenZeppelin's TimelockController, unchanged except that its delay can never drop below
/// 48 h: not at deployment and not by a later `updateDelay` proposal, so no vote can shorten the
/// window in which token holders and the guardian see a decision coming.
/// @dev Operation lifecycle (TimelockController): `Unset --schedule--> Waiting --delay--> Ready
/// --execute--> Done`; `Waiting | Ready --cancel--> Unset`. Roles after setup: the governor is the only
/// PROPOSER (and a CANCELLER, so it can cancel its own proposals); the governor is the only EXECUTOR;
/// the guardian Safe is a CANCELLER; DEFAULT_ADMIN is the timelock itself.
contract PortfolioTimelock is TimelockController, IPortfolioTimelock {
    /// @inheritdoc IPortfolioTimelock
    uint256 public constant MIN_DELAY_FLOOR = 48 hours;

    /// @param minDelay Initial delay in seconds, at least {MIN_DELAY_FLOOR}.
    /// @param proposers Accounts granted PROPOSER_ROLE and CANCELLER_ROLE.
    /// @param executors Accounts granted EXECUTOR_ROLE (`address(0)` opens execution to anyone).
    /// @param admin Optional setup admin that must renounce DEFAULT_ADMIN_ROLE once roles are wired.
    constructor(
        uint256 minDelay,
        address[] memory proposers,
        address[] memory executors,
        address admin
    ) TimelockController(minDelay, proposers, executors, admin) {
        _checkFloor(minDelay);
    }

    /// @notice Changes the delay; callable only by the timelock itself, never below {MIN_DELAY_FLOOR}.
    function updateDelay(uint256 newDelay) public override {
        super.updateDelay(newDelay); // checks the caller first
        _checkFloor(newDelay);
    }

    function _checkFloor(uint256 delay) private pure {
        if (delay < MIN_DELAY_FLOOR) revert PortfolioTimelock__DelayBelowFloor(delay, MIN_DELAY_FLOOR);
    }
}
