// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IAggregatorV3} from "../interfaces/IAggregatorV3.sol";
import {IPriceOracle} from "../interfaces/IPriceOracle.sol";

/// @title ChainlinkPriceOracle
/// @notice {IPriceOracle} over Chainlink-style aggregators, one feed per token, each with its own
/// staleness bound. Governance sets the feeds.
/// @dev price = answer · 10^(36 − feedDecimals − tokenDecimals), so that
/// value (WAD) = amount · price / 1e18. The exponent is fixed when the feed is set; decimals above
/// 36 in total are refused. Answers above ~1e41 would overflow and revert rather than mis-price.
contract ChainlinkPriceOracle is IPriceOracle, Ownable2Step {
    /// @dev One storage slot per token: the settlement prices every vault asset on every rebalance.
    struct Feed {
        IAggregatorV3 aggregator;
        uint32 maxAge;
        /// @dev 36 − feedDecimals − tokenDecimals: price = answer · 10^scaleExponent.
        uint8 scaleExponent;
    }

    /// @notice Governance set `token`'s feed.
    event FeedSet(address indexed token, address indexed aggregator, uint32 maxAge);

    /// @notice The feed and token decimals together exceed 36.
    error Oracle__UnsupportedDecimals(address token, uint8 tokenDecimals, uint8 feedDecimals);

    mapping(address token => Feed) private _feeds;

    constructor(address governance) Ownable(governance) {}

    /// @notice Sets `token`'s feed and the maximum age of its answers, in seconds (governance).
    function setFeed(address token, IAggregatorV3 aggregator, uint32 maxAge) external onlyOwner {
        uint8 tokenDecimals = IERC20Metadata(token).decimals();
        uint8 feedDecimals = aggregator.decimals();
        if (uint256(tokenDecimals) + feedDecimals > 36) {
            revert Oracle__UnsupportedDecimals(token, tokenDecimals, feedDecimals);
        }
        _feeds[token] = Feed(aggregator, maxAge, 36 - tokenDecimals - feedDecimals);
        emit FeedSet(token, address(aggregator), maxAge);
    }

    /// @notice `token`'s feed, its maximum age in seconds and its scale exponent.
    function feedOf(address token) external view returns (Feed memory) {
        return _feeds[token];
    }

    /// @inheritdoc IPriceOracle
    function priceOf(address token) external view returns (uint256) {
        return _priceOf(token);
    }

    /// @inheritdoc IPriceOracle
    function pricesOf(address[] calldata tokens) external view returns (uint256[] memory prices) {
        uint256 n = tokens.length;
        prices = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            prices[i] = _priceOf(tokens[i]);
        }
    }

    function _priceOf(address token) private view returns (uint256) {
        Feed memory feed = _feeds[token];
        if (address(feed.aggregator) == address(0)) revert Oracle__NoFeed(token);
        (uint80 roundId, int256 answer, , uint256 updatedAt, uint80 answeredInRound) = feed
            .aggregator
            .latestRoundData();
        if (answer <= 0) revert Oracle__InvalidPrice(token, answer);
        if (answeredInRound < roundId) revert Oracle__IncompleteRound(token, roundId, answeredInRound);
        if (updatedAt == 0 || updatedAt + feed.maxAge < block.timestamp) {
            revert Oracle__StalePrice(token, updatedAt, feed.maxAge);
        }
        return uint256(answer) * 10 ** feed.scaleExponent;
    }
}
