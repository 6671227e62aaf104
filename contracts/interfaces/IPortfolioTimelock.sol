// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IPortfolioTimelock
/// @notice The DAO's TimelockController with a floor under its delay, and a guardian that may cancel
/// operations but not the ones that replace or remove a guardian.
interface IPortfolioTimelock {
    /// @notice Operation `id` replaces or removes a guardian: only a proposer (the governor) may cancel it.
    /// @dev Emitted when it is scheduled. An operation is guardian-protected when every call in it
    /// sends no value and is either `setGuardian(address)` (on any target) or, on the timelock itself,
    /// `grantRole`, `revokeRole` or `renounceRole` of CANCELLER_ROLE.
    event GuardianProtectedOperationScheduled(bytes32 indexed id);

    /// @notice A delay below the floor was requested, at deployment or through `updateDelay`.
    /// @param delay The requested delay, in seconds.
    /// @param floor The smallest allowed delay, in seconds.
    error PortfolioTimelock__DelayBelowFloor(uint256 delay, uint256 floor);

    /// @notice A canceller without PROPOSER_ROLE (the guardian) tried to cancel a guardian-protected
    /// operation: the guardian may not keep itself in office.
    /// @param id The operation.
    /// @param caller The account that tried to cancel it.
    error PortfolioTimelock__GuardianCannotCancel(bytes32 id, address caller);

    /// @notice The smallest delay this timelock accepts: 48 h, in seconds.
    // solhint-disable-next-line func-name-mixedcase
    function MIN_DELAY_FLOOR() external view returns (uint256);

    /// @notice Whether operation `id` was scheduled as guardian-protected: only a proposer may cancel it.
    /// @dev An id commits to its calls, so the answer never changes once the operation has been
    /// scheduled; it is false for an id never scheduled.
    function isGuardianProtected(bytes32 id) external view returns (bool);
}
