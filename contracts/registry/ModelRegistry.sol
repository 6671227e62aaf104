// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {AuditedOwnable2Step} from "../audit/AuditedOwnable2Step.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {IModelRegistry} from "../interfaces/IModelRegistry.sol";
import {IModelRegistryAdmin} from "../interfaces/IModelRegistryAdmin.sol";
import {GuardianPausable} from "../governance/GuardianPausable.sol";
import {RegistryValidation} from "./RegistryValidation.sol";

/// @title ModelRegistry
/// @notice What the DAO has decided the optimiser and the contracts must follow. Owned by the
/// timelock, so every change has passed a vote and the 48 h delay; the guardian may only pause.
/// @dev Every state change emits its past-tense event and then extends the audit chain with
/// `keccak256(abi.encode(<event fields in declaration order>))`; docs/audit-chain.md lists them.
/// Versions are append-only: version `v` of the parameters or constraints never changes once written.
contract ModelRegistry is IModelRegistryAdmin, AuditedOwnable2Step, GuardianPausable {
    using EnumerableSet for EnumerableSet.AddressSet;

    bytes32 private _optimizerBuildHash;
    string private _optimizerVersion;
    EnumerableSet.AddressSet private _viewSigners;
    EnumerableSet.AddressSet private _keepers;
    uint256 private _parametersVersion;
    mapping(uint256 version => StrategyParameters) private _parameters;
    uint256 private _constraintSetVersion;
    mapping(uint256 version => ConstraintSet) private _constraintSets;
    /// @dev The current versions' scalar limits, packed into one slot for {settlementTerms}; every
    /// value is validated to be at most 1e18 (or 10 000 bps), so 64 bits hold it exactly.
    PackedLimits private _packedLimits;

    struct PackedLimits {
        uint16 maxSlippageBps;
        uint64 driftThreshold;
        uint64 maxPositionWeight;
        uint64 maxTurnover;
    }

    /// @param owner_ The timelock that governs the registry.
    /// @param guardian_ The guardian Safe that may pause (zero for none).
    /// @param genesis The initial build, parameters (version 1), constraints (version 1), signers and keepers.
    constructor(address owner_, address guardian_, Genesis memory genesis) Ownable(owner_) GuardianPausable(guardian_) {
        _pinOptimizerBuild(genesis.optimizerBuildHash, genesis.optimizerVersion);
        _setStrategyParameters(genesis.parameters);
        _setConstraintSet(genesis.constraints);
        for (uint256 i; i < genesis.viewSigners.length; ++i) {
            _add(false, genesis.viewSigners[i]);
        }
        for (uint256 i; i < genesis.keepers.length; ++i) {
            _add(true, genesis.keepers[i]);
        }
    }

    // ---------------------------------------------------------------- write side (owner only)

    /// @inheritdoc IModelRegistryAdmin
    function pinOptimizerBuild(bytes32 buildHash, string calldata version) external onlyOwner {
        _pinOptimizerBuild(buildHash, version);
    }

    /// @inheritdoc IModelRegistryAdmin
    function addViewSigner(address signer) external onlyOwner {
        _add(false, signer);
    }

    /// @inheritdoc IModelRegistryAdmin
    function removeViewSigner(address signer) external onlyOwner {
        _remove(false, signer);
    }

    /// @inheritdoc IModelRegistryAdmin
    function addKeeper(address keeper) external onlyOwner {
        _add(true, keeper);
    }

    /// @inheritdoc IModelRegistryAdmin
    function removeKeeper(address keeper) external onlyOwner {
        _remove(true, keeper);
    }

    /// @inheritdoc IModelRegistryAdmin
    function setStrategyParameters(StrategyParameters calldata parameters) external onlyOwner returns (uint256) {
        return _setStrategyParameters(parameters);
    }

    /// @inheritdoc IModelRegistryAdmin
    function setConstraintSet(ConstraintSet calldata constraints) external onlyOwner returns (uint256) {
        return _setConstraintSet(constraints);
    }

    /// @notice Disabled: the registry must always have an owner.
    function renounceOwnership() public view override onlyOwner {
        revert ModelRegistry__RenounceDisabled();
    }

    // ---------------------------------------------------------------- read side

    /// @inheritdoc IModelRegistry
    function optimizerBuildHash() external view returns (bytes32) {
        return _optimizerBuildHash;
    }

    /// @inheritdoc IModelRegistry
    function optimizerVersion() external view returns (string memory) {
        return _optimizerVersion;
    }

    /// @inheritdoc IModelRegistry
    function isViewSigner(address signer) external view returns (bool) {
        return _viewSigners.contains(signer);
    }

    /// @inheritdoc IModelRegistry
    function isKeeper(address keeper) external view returns (bool) {
        return _keepers.contains(keeper);
    }

    /// @inheritdoc IModelRegistryAdmin
    function viewSigners() external view returns (address[] memory) {
        return _viewSigners.values();
    }

    /// @inheritdoc IModelRegistryAdmin
    function keepers() external view returns (address[] memory) {
        return _keepers.values();
    }

    /// @inheritdoc IModelRegistry
    function settlementTerms(address keeper) external view returns (SettlementTerms memory terms) {
        PackedLimits memory limits = _packedLimits;
        terms = SettlementTerms({
            isKeeper: _keepers.contains(keeper),
            optimizerBuildHash: _optimizerBuildHash,
            maxSlippageBps: limits.maxSlippageBps,
            driftThreshold: limits.driftThreshold,
            maxPositionWeight: limits.maxPositionWeight,
            maxTurnover: limits.maxTurnover,
            paused: _isPaused()
        });
    }

    /// @inheritdoc IModelRegistry
    function strategyParameters() external view returns (StrategyParameters memory) {
        return _parameters[_parametersVersion];
    }

    /// @inheritdoc IModelRegistry
    function parametersVersion() external view returns (uint256) {
        return _parametersVersion;
    }

    /// @inheritdoc IModelRegistry
    function strategyParametersAt(uint256 version) external view returns (StrategyParameters memory) {
        _checkVersion(version, _parametersVersion);
        return _parameters[version];
    }

    /// @inheritdoc IModelRegistry
    function constraintSet() external view returns (ConstraintSet memory) {
        return _constraintSets[_constraintSetVersion];
    }

    /// @inheritdoc IModelRegistry
    function constraintSetVersion() external view returns (uint256) {
        return _constraintSetVersion;
    }

    /// @inheritdoc IModelRegistry
    function constraintSetAt(uint256 version) external view returns (ConstraintSet memory) {
        _checkVersion(version, _constraintSetVersion);
        return _constraintSets[version];
    }

    // ---------------------------------------------------------------- internals

    function _pinOptimizerBuild(bytes32 buildHash, string memory version) private {
        RegistryValidation.checkBuild(buildHash, version);
        _optimizerBuildHash = buildHash;
        _optimizerVersion = version;
        emit OptimizerBuildPinned(buildHash, version);
        _recordAudit(OptimizerBuildPinned.selector, keccak256(abi.encode(buildHash, version)));
    }

    function _setStrategyParameters(StrategyParameters memory parameters) private returns (uint256 version) {
        RegistryValidation.checkParameters(parameters);
        version = ++_parametersVersion;
        _parameters[version] = parameters;
        _packedLimits.maxSlippageBps = parameters.maxSlippageBps;
        _packedLimits.driftThreshold = SafeCast.toUint64(parameters.driftThreshold);
        emit StrategyParametersUpdated(version, parameters);
        _recordAudit(StrategyParametersUpdated.selector, keccak256(abi.encode(version, parameters)));
    }

    function _setConstraintSet(ConstraintSet memory constraints) private returns (uint256 version) {
        RegistryValidation.checkConstraints(constraints);
        version = ++_constraintSetVersion;
        _constraintSets[version] = constraints;
        _packedLimits.maxPositionWeight = SafeCast.toUint64(constraints.maxPositionWeight);
        _packedLimits.maxTurnover = SafeCast.toUint64(constraints.maxTurnover);
        emit ConstraintSetUpdated(version, constraints);
        _recordAudit(ConstraintSetUpdated.selector, keccak256(abi.encode(version, constraints)));
    }

    /// @dev `keeper` selects the keeper set and its events, else the view-signer set.
    function _add(bool keeper, address account) private {
        string memory role = keeper ? "keeper" : "viewSigner";
        if (account == address(0)) revert ModelRegistry__ZeroAddress(role);
        if (!(keeper ? _keepers : _viewSigners).add(account)) revert ModelRegistry__AlreadyAuthorized(role, account);
        bytes32 payloadHash = keccak256(abi.encode(account));
        if (keeper) {
            emit KeeperAdded(account);
            _recordAudit(KeeperAdded.selector, payloadHash);
        } else {
            emit ViewSignerAdded(account);
            _recordAudit(ViewSignerAdded.selector, payloadHash);
        }
    }

    function _remove(bool keeper, address account) private {
        string memory role = keeper ? "keeper" : "viewSigner";
        if (!(keeper ? _keepers : _viewSigners).remove(account)) revert ModelRegistry__NotAuthorized(role, account);
        bytes32 payloadHash = keccak256(abi.encode(account));
        if (keeper) {
            emit KeeperRemoved(account);
            _recordAudit(KeeperRemoved.selector, payloadHash);
        } else {
            emit ViewSignerRemoved(account);
            _recordAudit(ViewSignerRemoved.selector, payloadHash);
        }
    }

    function _checkVersion(uint256 version, uint256 latest) private pure {
        if (version == 0 || version > latest) revert ModelRegistry__UnknownVersion(version, latest);
    }

    function _isGovernance(address account) internal view override returns (bool) {
        return account == owner();
    }

    function _checkGovernance() internal view override {
        _checkOwner();
    }
}
