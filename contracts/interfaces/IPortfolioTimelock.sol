// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IPortfolioTimelock
/// @notice The DAO's TimelockController with a floor under its delay.
interface IPortfolioTimelock {
    /// @notice A delay below the floor was requested, at deployment or through `updateDelay`.
    /// @param delay The requested delay, in seconds.
    /// @param floor The smallest allowed delay, in seconds.
    error PortfolioTimelock__DelayBelowFloor(uint256 delay, uint256 floor);

    /// @notice The smallest delay this timelock accepts: 48 h, in seconds.
    // solhint-disable-next-line func-name-mixedcase
    function MIN_DELAY_FLOOR() external view returns (uint256);
}
