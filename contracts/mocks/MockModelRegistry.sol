// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IModelRegistry} from "../interfaces/IModelRegistry.sol";

/// @notice Test double of the registry's read side with open setters; the real registry is
/// timelock-owned and audited. Only for tests of contracts that read the registry.
contract MockModelRegistry is IModelRegistry {
    bytes32 private _buildHash;
    mapping(address => bool) private _keepers;
    mapping(address => bool) private _viewSigners;
    StrategyParameters private _params;
    ConstraintSet private _constraints;
    uint256 private _paramsVersion;
    uint256 private _constraintsVersion;
    // Packed as the real registry packs them, so that gas measured against this double is the real cost.
    uint16 private _packedSlippageBps;
    uint64 private _packedDrift;
    uint64 private _packedMaxPosition;
    uint64 private _packedMaxTurnover;
    bool private _paused;

    function setOptimizerBuildHash(bytes32 buildHash) external {
        _buildHash = buildHash;
    }

    function setKeeper(address keeper, bool allowed) external {
        _keepers[keeper] = allowed;
    }

    /// @notice Sets what `settlementTerms().paused` reports.
    function setPaused(bool paused_) external {
        _paused = paused_;
    }

    function setViewSigner(address signer, bool allowed) external {
        _viewSigners[signer] = allowed;
    }

    /// @notice Sets the limits the settlement reads: NAV loss (bps), weight tolerance (WAD),
    /// position weight (WAD) and turnover (WAD).
    function setLimits(
        uint16 maxSlippageBps,
        uint256 driftThreshold,
        uint256 maxPositionWeight,
        uint256 maxTurnover
    ) external {
        _params.maxSlippageBps = maxSlippageBps;
        _params.driftThreshold = driftThreshold;
        _params.rebalanceCalendar = "0 0 * * 1";
        _constraints.maxPositionWeight = maxPositionWeight;
        _constraints.maxTurnover = maxTurnover;
        _constraints.uri = "ipfs://constraints";
        _paramsVersion += 1;
        _constraintsVersion += 1;
        _packedSlippageBps = maxSlippageBps;
        _packedDrift = SafeCast.toUint64(driftThreshold);
        _packedMaxPosition = SafeCast.toUint64(maxPositionWeight);
        _packedMaxTurnover = SafeCast.toUint64(maxTurnover);
    }

    function optimizerBuildHash() external view returns (bytes32) {
        return _buildHash;
    }

    function optimizerVersion() external pure returns (string memory) {
        return "0.1.0";
    }

    function isViewSigner(address signer) external view returns (bool) {
        return _viewSigners[signer];
    }

    function isKeeper(address keeper) external view returns (bool) {
        return _keepers[keeper];
    }

    function settlementTerms(address keeper) external view returns (SettlementTerms memory) {
        return
            SettlementTerms({
                isKeeper: _keepers[keeper],
                optimizerBuildHash: _buildHash,
                maxSlippageBps: _packedSlippageBps,
                driftThreshold: _packedDrift,
                maxPositionWeight: _packedMaxPosition,
                maxTurnover: _packedMaxTurnover,
                paused: _paused
            });
    }

    function strategyParameters() external view returns (StrategyParameters memory) {
        return _params;
    }

    function parametersVersion() external view returns (uint256) {
        return _paramsVersion;
    }

    function strategyParametersAt(uint256) external view returns (StrategyParameters memory) {
        return _params;
    }

    function constraintSet() external view returns (ConstraintSet memory) {
        return _constraints;
    }

    function constraintSetVersion() external view returns (uint256) {
        return _constraintsVersion;
    }

    function constraintSetAt(uint256) external view returns (ConstraintSet memory) {
        return _constraints;
    }

    function auditHead() external pure returns (bytes32) {
        return bytes32(0);
    }

    function auditCount() external pure returns (uint256) {
        return 0;
    }
}
