// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IAggregatorV3
/// @notice The read side of a Chainlink price feed (`AggregatorV3Interface`), as deployed on mainnet.
interface IAggregatorV3 {
    /// @notice Number of decimals of `answer`.
    function decimals() external view returns (uint8);

    /// @notice Human-readable feed name, e.g. "ETH / USD".
    function description() external view returns (string memory);

    /// @notice The latest round: `answer` in units of 10^-decimals, `updatedAt` a unix timestamp.
    function latestRoundData()
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);
}
