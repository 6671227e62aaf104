// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {AuditedOwnable2Step} from "../audit/AuditedOwnable2Step.sol";
import {IAggregatorV3} from "../interfaces/IAggregatorV3.sol";
import {IChainlinkPriceOracle} from "../interfaces/IChainlinkPriceOracle.sol";
import {IPriceOracle} from "../interfaces/IPriceOracle.sol";

/// @title ChainlinkPriceOracle
/// @notice {IChainlinkPriceOracle}: Chainlink-style aggregators, one feed per token with its own
/// staleness bound and optional answer bounds, and an optional L2 sequencer-uptime feed. Governance
/// sets them; every change is audited.
/// @dev price = answer · 10^(36 − feedDecimals − tokenDecimals), so that
/// value (WAD) = amount · price / 1e18. The exponent is fixed when the feed is set; decimals above
/// 36 in total are refused. Answers above ~1e41 would overflow and revert rather than mis-price.
contract ChainlinkPriceOracle is IChainlinkPriceOracle, AuditedOwnable2Step {
    /// @dev One storage slot per token: the settlement prices every vault asset on every rebalance.
    struct Feed {
        IAggregatorV3 aggregator;
        uint32 maxAge;
        /// @dev 36 − feedDecimals − tokenDecimals: price = answer · 10^scaleExponent.
        uint8 scaleExponent;
        /// @dev Whether `_bounds[token]` applies: an unbounded feed costs no second slot.
        bool bounded;
    }

    /// @dev A feed's accepted answers, in feed units.
    struct Bounds {
        int128 minAnswer;
        int128 maxAnswer;
    }

    /// @dev The L2 sequencer-uptime feed (none: `address(0)`) and its grace period, one slot.
    struct Sequencer {
        IAggregatorV3 feed;
        uint32 gracePeriod;
    }

    mapping(address token => Feed) private _feeds;
    mapping(address token => Bounds) private _bounds;
    Sequencer private _sequencer;

    constructor(address governance) Ownable(governance) {}

    /// @inheritdoc IChainlinkPriceOracle
    function setFeed(address token, IAggregatorV3 aggregator, uint32 maxAge) external onlyOwner {
        uint8 tokenDecimals = IERC20Metadata(token).decimals();
        uint8 feedDecimals = aggregator.decimals();
        if (uint256(tokenDecimals) + feedDecimals > 36) {
            revert Oracle__UnsupportedDecimals(token, tokenDecimals, feedDecimals);
        }
        _feeds[token] = Feed(aggregator, maxAge, 36 - tokenDecimals - feedDecimals, false);
        emit FeedSet(token, address(aggregator), maxAge);
        _recordAudit(FeedSet.selector, keccak256(abi.encode(token, address(aggregator), maxAge)));
    }

    /// @inheritdoc IChainlinkPriceOracle
    function setFeedBounds(address token, int256 minAnswer, int256 maxAnswer) external onlyOwner {
        Feed storage feed = _feeds[token];
        if (
            address(feed.aggregator) == address(0) ||
            minAnswer <= 0 ||
            minAnswer > maxAnswer ||
            maxAnswer > type(int128).max
        ) revert Oracle__InvalidBounds(token, minAnswer, maxAnswer);
        feed.bounded = true;
        _bounds[token] = Bounds(int128(minAnswer), int128(maxAnswer));
        emit FeedBoundsSet(token, minAnswer, maxAnswer);
        _recordAudit(FeedBoundsSet.selector, keccak256(abi.encode(token, minAnswer, maxAnswer)));
    }

    /// @inheritdoc IChainlinkPriceOracle
    function setSequencerFeed(IAggregatorV3 feed, uint32 gracePeriod) external onlyOwner {
        _sequencer = Sequencer(feed, gracePeriod);
        emit SequencerFeedSet(address(feed), gracePeriod);
        _recordAudit(SequencerFeedSet.selector, keccak256(abi.encode(address(feed), gracePeriod)));
    }

    /// @notice `token`'s answer bounds (zero when unbounded).
    function boundsOf(address token) external view returns (Bounds memory) {
        return _bounds[token];
    }

    /// @notice The sequencer-uptime feed and its grace period.
    function sequencer() external view returns (Sequencer memory) {
        return _sequencer;
    }

    /// @notice `token`'s feed, its maximum age in seconds and its scale exponent.
    function feedOf(address token) external view returns (Feed memory) {
        return _feeds[token];
    }

    /// @inheritdoc IPriceOracle
    function priceOf(address token) external view returns (uint256) {
        _requireSequencerUp();
        return _priceOf(token);
    }

    /// @inheritdoc IPriceOracle
    function pricesOf(address[] calldata tokens) external view returns (uint256[] memory prices) {
        _requireSequencerUp();
        uint256 n = tokens.length;
        prices = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            prices[i] = _priceOf(tokens[i]);
        }
    }

    /// @dev Chainlink's L2 guidance: no price while the sequencer is down, nor within the grace period
    /// after it came back (an uninitialised round, `startedAt == 0`, counts as not over).
    function _requireSequencerUp() private view {
        Sequencer memory seq = _sequencer;
        if (address(seq.feed) == address(0)) return;
        (, int256 status, uint256 startedAt, , ) = seq.feed.latestRoundData();
        if (status != 0) revert Oracle__SequencerDown(startedAt);
        if (startedAt == 0 || block.timestamp - startedAt <= seq.gracePeriod) {
            revert Oracle__GracePeriodNotOver(startedAt, seq.gracePeriod);
        }
    }

    function _priceOf(address token) private view returns (uint256) {
        Feed memory feed = _feeds[token];
        if (address(feed.aggregator) == address(0)) revert Oracle__NoFeed(token);
        (uint80 roundId, int256 answer, , uint256 updatedAt, uint80 answeredInRound) = feed
            .aggregator
            .latestRoundData();
        if (answer <= 0) revert Oracle__InvalidPrice(token, answer);
        if (feed.bounded) {
            Bounds memory bounds = _bounds[token];
            if (answer < bounds.minAnswer || answer > bounds.maxAnswer) {
                revert Oracle__AnswerOutOfBounds(token, answer, bounds.minAnswer, bounds.maxAnswer);
            }
        }
        if (answeredInRound < roundId) revert Oracle__IncompleteRound(token, roundId, answeredInRound);
        if (updatedAt == 0 || updatedAt + feed.maxAge < block.timestamp) {
            revert Oracle__StalePrice(token, updatedAt, feed.maxAge);
        }
        return uint256(answer) * 10 ** feed.scaleExponent;
    }
}
