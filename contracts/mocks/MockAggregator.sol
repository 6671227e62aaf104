// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IAggregatorV3} from "../interfaces/IAggregatorV3.sol";

/// @notice Chainlink-style aggregator whose answer tests set. For tests.
contract MockAggregator is IAggregatorV3 {
    uint8 private immutable _DECIMALS;
    uint80 private _roundId;
    int256 private _answer;
    uint256 private _updatedAt;
    uint80 private _answeredInRound;

    constructor(uint8 decimals_, int256 answer) {
        _DECIMALS = decimals_;
        setAnswer(answer);
    }

    /// @notice A fresh round answering `answer`, updated now.
    function setAnswer(int256 answer) public {
        _roundId += 1;
        _answer = answer;
        _updatedAt = block.timestamp;
        _answeredInRound = _roundId;
    }

    /// @notice Sets every field of the latest round.
    function setRound(uint80 roundId, int256 answer, uint256 updatedAt, uint80 answeredInRound) external {
        _roundId = roundId;
        _answer = answer;
        _updatedAt = updatedAt;
        _answeredInRound = answeredInRound;
    }

    function decimals() external view returns (uint8) {
        return _DECIMALS;
    }

    function description() external pure returns (string memory) {
        return "MOCK / USD";
    }

    function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80) {
        return (_roundId, _answer, _updatedAt, _updatedAt, _answeredInRound);
    }
}
