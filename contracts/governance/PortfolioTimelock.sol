// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {IGuardianPausable} from "../interfaces/IGuardianPausable.sol";
import {IPortfolioTimelock} from "../interfaces/IPortfolioTimelock.sol";

/// @title PortfolioTimelock
/// @notice OpenZeppelin's TimelockController with two changes: its delay can never drop below 48 h (not
/// at deployment and not by a later `updateDelay` proposal, so no vote can shorten the window in which
/// token holders and the guardian see a decision coming), and the guardian cannot cancel an operation
/// that replaces or removes a guardian, so a guardian can veto anything but its own replacement.
/// @dev Operation lifecycle (TimelockController): `Unset --schedule--> Waiting --delay--> Ready
/// --execute--> Done`; `Waiting | Ready --cancel--> Unset`, except that a guardian-protected operation
/// can only be cancelled by a proposer. Roles after setup: the governor is the only PROPOSER (and a
/// CANCELLER, so it can cancel its own proposals); the governor is the only EXECUTOR; the guardian Safe
/// is a CANCELLER; DEFAULT_ADMIN is the timelock itself.
contract PortfolioTimelock is TimelockController, IPortfolioTimelock {
    /// @inheritdoc IPortfolioTimelock
    uint256 public constant MIN_DELAY_FLOOR = 48 hours;

    mapping(bytes32 id => bool) private _guardianProtected;

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

    /// @notice Schedules a single-call operation (proposers only); marks it guardian-protected when
    /// its call replaces or removes a guardian.
    function schedule(
        address target,
        uint256 value,
        bytes calldata data,
        bytes32 predecessor,
        bytes32 salt,
        uint256 delay
    ) public override {
        super.schedule(target, value, data, predecessor, salt, delay);
        if (_isGuardianOfficeCall(target, value, data)) {
            _markProtected(hashOperation(target, value, data, predecessor, salt));
        }
    }

    /// @notice Schedules a batch (proposers only; the governor's `queue` lands here); marks it
    /// guardian-protected when every call in it replaces or removes a guardian.
    function scheduleBatch(
        address[] calldata targets,
        uint256[] calldata values,
        bytes[] calldata payloads,
        bytes32 predecessor,
        bytes32 salt,
        uint256 delay
    ) public override {
        super.scheduleBatch(targets, values, payloads, predecessor, salt, delay); // checks lengths
        // Every call, not any: otherwise a hostile proposal could add a no-op `setGuardian` to any
        // payload and so take away the guardian's veto over the rest.
        if (targets.length == 0) return;
        for (uint256 i = 0; i < targets.length; ++i) {
            if (!_isGuardianOfficeCall(targets[i], values[i], payloads[i])) return;
        }
        _markProtected(hashOperationBatch(targets, values, payloads, predecessor, salt));
    }

    /// @notice Cancels a pending operation (cancellers only). A guardian-protected one can only be
    /// cancelled by a canceller that is also a proposer (the governor).
    /// @dev The governor is told from the guardian by PROPOSER_ROLE because both hold CANCELLER_ROLE:
    /// a guardian able to cancel its own replacement could stay in office against any vote.
    function cancel(bytes32 id) public virtual override {
        // Outsiders fall through to the usual AccessControlUnauthorizedAccount.
        if (_guardianProtected[id] && hasRole(CANCELLER_ROLE, msg.sender) && !hasRole(PROPOSER_ROLE, msg.sender)) {
            revert PortfolioTimelock__GuardianCannotCancel(id, msg.sender);
        }
        super.cancel(id);
    }

    /// @inheritdoc IPortfolioTimelock
    function isGuardianProtected(bytes32 id) external view returns (bool) {
        return _guardianProtected[id];
    }

    function _markProtected(bytes32 id) private {
        // Never cleared: the id commits to the calls, so a re-scheduled id is protected again anyway.
        _guardianProtected[id] = true;
        emit GuardianProtectedOperationScheduled(id);
    }

    /// @dev Whether a call sets some contract's guardian or changes who holds this timelock's
    /// CANCELLER_ROLE. Calls that move value are never guardian-office calls, so protection cannot be
    /// borrowed for a payment.
    function _isGuardianOfficeCall(address target, uint256 value, bytes calldata data) private view returns (bool) {
        if (value != 0 || data.length < 4) return false;
        bytes4 selector = bytes4(data[:4]);
        if (selector == IGuardianPausable.setGuardian.selector) return true;
        if (target != address(this) || data.length < 36) return false;
        if (
            selector != IAccessControl.grantRole.selector &&
            selector != IAccessControl.revokeRole.selector &&
            selector != IAccessControl.renounceRole.selector
        ) return false;
        return bytes32(data[4:36]) == CANCELLER_ROLE;
    }

    function _checkFloor(uint256 delay) private pure {
        if (delay < MIN_DELAY_FLOOR) revert PortfolioTimelock__DelayBelowFloor(delay, MIN_DELAY_FLOOR);
    }
}
