// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IAggregatorV3} from "./IAggregatorV3.sol";
import {IAudited} from "./IAudited.sol";
import {IPriceOracle} from "./IPriceOracle.sol";

/// @title IChainlinkPriceOracle
/// @notice {IPriceOracle} over Chainlink-style aggregators: one feed per token with its staleness
/// bound and optional answer bounds, and an optional L2 sequencer-uptime feed with a grace period.
/// Governance (the owner) sets them; every change is audited.
interface IChainlinkPriceOracle is IPriceOracle, IAudited {
    /// @notice Governance set `token`'s feed (audited).
    event FeedSet(address indexed token, address indexed aggregator, uint32 maxAge);

    /// @notice Governance bounded `token`'s answers to [`minAnswer`, `maxAnswer`] (audited).
    event FeedBoundsSet(address indexed token, int256 minAnswer, int256 maxAnswer);

    /// @notice Governance set the sequencer-uptime feed (`address(0)`: none) and grace period (audited).
    event SequencerFeedSet(address indexed feed, uint32 gracePeriod);

    /// @notice The feed and token decimals together exceed 36.
    error Oracle__UnsupportedDecimals(address token, uint8 tokenDecimals, uint8 feedDecimals);

    /// @notice Bounds need a feed and 0 < `minAnswer` ≤ `maxAnswer`.
    error Oracle__InvalidBounds(address token, int256 minAnswer, int256 maxAnswer);

    /// @notice Sets `token`'s feed and the maximum age of its answers, in seconds; clears its bounds.
    function setFeed(address token, IAggregatorV3 aggregator, uint32 maxAge) external;

    /// @notice Refuses `token`'s answers outside [`minAnswer`, `maxAnswer`] (feed units).
    function setFeedBounds(address token, int256 minAnswer, int256 maxAnswer) external;

    /// @notice On an L2: refuses every price while the sequencer is down and for `gracePeriod` seconds
    /// after it comes back (Chainlink's L2 Sequencer Uptime Feed: answer 0 = up, 1 = down).
    function setSequencerFeed(IAggregatorV3 feed, uint32 gracePeriod) external;
}
