// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Test double: the target of timelock operations, recording when each one ran.
contract TimelockProbe {
    /// @notice Timestamp at which operation `nonce` ran, zero if it never did.
    mapping(uint256 nonce => uint256) public executedAt;
    /// @notice Number of operations run.
    uint256 public executions;

    /// @notice Records that operation `nonce` ran now.
    function hit(uint256 nonce) external {
        executedAt[nonce] = block.timestamp;
        ++executions;
    }
}
