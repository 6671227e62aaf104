// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IPriceOracle
/// @notice Prices the settlement uses for post-trade checks, normalised so that token decimals never
/// leak into the weight arithmetic.
interface IPriceOracle {
    /// @notice `token` has no feed.
    error Oracle__NoFeed(address token);

    /// @notice The feed answered zero or a negative price.
    error Oracle__InvalidPrice(address token, int256 answer);

    /// @notice The feed's last update is older than the feed's allowed age.
    error Oracle__StalePrice(address token, uint256 updatedAt, uint256 maxAge);

    /// @notice The feed's latest answer was carried over from an earlier round.
    error Oracle__IncompleteRound(address token, uint80 roundId, uint80 answeredInRound);

    /// @notice The answer lies outside the bounds governance set for the feed: a feed stuck at its
    /// aggregator's floor or cap (Chainlink's min/maxAnswer circuit breaker) is not a price.
    error Oracle__AnswerOutOfBounds(address token, int256 answer, int256 minAnswer, int256 maxAnswer);

    /// @notice The L2 sequencer-uptime feed says the sequencer is down (since `startedAt`).
    error Oracle__SequencerDown(uint256 startedAt);

    /// @notice The sequencer came back at `startedAt`, less than `gracePeriod` seconds ago: prices may
    /// still be catching up.
    error Oracle__GracePeriodNotOver(uint256 startedAt, uint256 gracePeriod);

    /// @notice Value of one raw unit of `token`, in 1e18-fixed-point quote currency (USD), scaled by a
    /// further 1e18: `value (WAD) = amount (raw units) × price / 1e18`.
    /// @dev The extra 1e18 keeps precision for 18-decimal tokens worth little: a $2000 18-decimal
    /// token has price 2000e18; a $1 6-decimal token has price 1e30.
    function priceOf(address token) external view returns (uint256 price);

    /// @notice {priceOf} of every token in `tokens`, in the same order, in one call.
    /// @dev Reverts as {priceOf} does on the first token without a usable price.
    function pricesOf(address[] calldata tokens) external view returns (uint256[] memory prices);
}
