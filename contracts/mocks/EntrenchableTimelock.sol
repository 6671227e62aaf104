// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {PortfolioTimelock} from "../governance/PortfolioTimelock.sol";

/// @notice Test double, deliberately broken: a PortfolioTimelock whose `cancel` skips the guardian
/// check, so the guardian can cancel its own replacement. Only for showing that the timelock invariant
/// "a protected operation is never cancelled by the guardian" catches such a regression.
contract EntrenchableTimelock is PortfolioTimelock {
    constructor(
        uint256 minDelay,
        address[] memory proposers,
        address[] memory executors,
        address admin
    ) PortfolioTimelock(minDelay, proposers, executors, admin) {}

    /// @notice TimelockController's own cancel: any canceller cancels anything pending.
    function cancel(bytes32 id) public override {
        TimelockController.cancel(id);
    }
}
