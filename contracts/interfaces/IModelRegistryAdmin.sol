// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IModelRegistry} from "./IModelRegistry.sol";
import {IGuardianPausable} from "./IGuardianPausable.sol";

/// @title IModelRegistryAdmin
/// @notice The write side of the model registry and the views that enumerate its sets. Every setter is
/// callable only by the owner, the timelock; each one validates its input, emits the past-tense event
/// declared in {IModelRegistry} and extends the audit chain.
interface IModelRegistryAdmin is IModelRegistry, IGuardianPausable {
    /// @notice Pins the optimiser build the keeper must run.
    /// @param buildHash sha256 of the deterministic optimiser bundle; must not be zero.
    /// @param version Human-readable version, 1 to 64 bytes.
    function pinOptimizerBuild(bytes32 buildHash, string calldata version) external;

    /// @notice Authorises `signer` to sign investor views.
    function addViewSigner(address signer) external;

    /// @notice Withdraws `signer`'s authorisation to sign investor views.
    function removeViewSigner(address signer) external;

    /// @notice Authorises `keeper` to submit rebalance instructions.
    function addKeeper(address keeper) external;

    /// @notice Withdraws `keeper`'s authorisation to submit rebalance instructions.
    function removeKeeper(address keeper) external;

    /// @notice Makes `parameters` the current strategy parameters under a new version.
    /// @return version The new version.
    function setStrategyParameters(StrategyParameters calldata parameters) external returns (uint256 version);

    /// @notice Makes `constraints` the current constraint set under a new version.
    /// @return version The new version.
    function setConstraintSet(ConstraintSet calldata constraints) external returns (uint256 version);

    /// @notice Every authorised view signer, in no particular order.
    function viewSigners() external view returns (address[] memory);

    /// @notice Every authorised keeper, in no particular order.
    function keepers() external view returns (address[] memory);
}
