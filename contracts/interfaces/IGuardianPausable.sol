// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IGuardianPausable
/// @notice A circuit breaker shared by the registry and the settlement contracts: a guardian (the
/// guardian Safe) or governance may pause at once; only governance (the timelock) may unpause, after
/// the usual vote and 48 h delay.
/// @dev Lifecycle: `Running --pause() by guardian or governance--> Paused --unpause() by governance--> Running`.
/// Governance may replace the guardian at any time, or set it to zero to leave pausing to itself.
interface IGuardianPausable {
    /// @notice The contract was paused by `account`.
    event Paused(address indexed account);

    /// @notice The contract was unpaused by `account` (always governance).
    event Unpaused(address indexed account);

    /// @notice Governance replaced the guardian.
    event GuardianUpdated(address indexed previousGuardian, address indexed newGuardian);

    /// @notice `caller` may not pause: only the guardian or governance may.
    error GuardianPausable__NotGuardianOrGovernance(address caller);

    /// @notice The call needs the contract to be running, or, for `unpause`, to be paused.
    /// @param paused Whether the contract is paused now.
    error GuardianPausable__UnexpectedPauseState(bool paused);

    /// @notice Pauses the contract. Callable by the guardian or governance.
    function pause() external;

    /// @notice Unpauses the contract. Callable by governance only.
    function unpause() external;

    /// @notice Replaces the guardian (zero for none). Callable by governance only.
    function setGuardian(address newGuardian) external;

    /// @notice Whether the contract is paused. Keepers and settlement refuse to rebalance while it is.
    function paused() external view returns (bool);

    /// @notice The account that may pause besides governance.
    function guardian() external view returns (address);
}
