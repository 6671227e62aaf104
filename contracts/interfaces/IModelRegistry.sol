// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IAudited} from "./IAudited.sol";

/// @title IModelRegistry
/// @notice What the DAO has decided the optimiser and the contracts must follow: the pinned optimiser
/// build, authorised view signers and keepers, versioned strategy parameters and versioned constraint
/// sets. Owned by the timelock; every change is audited.
/// @dev Units: every fraction is 1e18 fixed point (WAD: 1e18 = 100%) unless the name ends in `Bps`.
/// This file fixes the read side that other contracts (settlement, vault) and the keeper rely on,
/// plus the events and errors of the write side; the setters themselves live in
/// {IModelRegistryAdmin} so that a contract implementing only this read side keeps compiling.
interface IModelRegistry is IAudited {
    /// @notice Which optimiser the keeper must run. New types are appended: a stored value never
    /// changes meaning.
    enum OptimizerType {
        MARKOWITZ,
        BLACK_LITTERMAN,
        ERC,
        /// @dev Hierarchical risk parity (López de Prado 2016); the constraint set may choose its
        /// `linkage` and `split` (docs/optimizer.md).
        HRP
    }

    /// @notice Strategy parameters, versioned: each change creates a new version starting at 1.
    struct StrategyParameters {
        OptimizerType optimizerType;
        /// @dev Risk aversion δ of quadratic utility μ'w − (δ/2)·w'Σw, WAD.
        uint256 riskAversion;
        /// @dev Black-Litterman τ, WAD.
        uint256 tau;
        /// @dev keccak256 of the ABI-encoded uint256[] of risk budgets (WAD, summing to 1e18), or 0 for equal budgets.
        bytes32 riskBudgetsHash;
        /// @dev Rebalance when some |w − target| exceeds this, WAD.
        uint256 driftThreshold;
        /// @dev Annualised volatility budget, WAD; above it the keeper treats risk as spiking.
        uint256 volatilityBudget;
        /// @dev Cron expression (5 fields, UTC) of the calendar trigger, e.g. "0 0 * * 1".
        string rebalanceCalendar;
        /// @dev Maximum slippage per leg and NAV loss per rebalance, in basis points.
        uint16 maxSlippageBps;
    }

    /// @notice A constraint set, versioned: the full JSON lives off-chain at `uri` under `contentHash`;
    /// the scalar limits below are enforced on-chain by the settlement contract.
    struct ConstraintSet {
        /// @dev sha256 of the canonical ConstraintSet JSON.
        bytes32 contentHash;
        string uri;
        /// @dev Maximum weight of any single asset after a rebalance, WAD.
        uint256 maxPositionWeight;
        /// @dev Maximum one-way turnover Σ|w − w0| / 2 per rebalance, WAD.
        uint256 maxTurnover;
    }

    /// @notice What the settlement reads on every instruction, in one call: the caller's role, the
    /// pinned build and the scalar limits of the current parameters and constraint set.
    /// @dev Values are those of {strategyParameters} and {constraintSet}; WAD unless noted.
    struct SettlementTerms {
        /// @dev Whether the queried account is a keeper ({isKeeper}).
        bool isKeeper;
        /// @dev {optimizerBuildHash}.
        bytes32 optimizerBuildHash;
        /// @dev `strategyParameters().maxSlippageBps`, basis points.
        uint256 maxSlippageBps;
        /// @dev `strategyParameters().driftThreshold`.
        uint256 driftThreshold;
        /// @dev `constraintSet().maxPositionWeight`.
        uint256 maxPositionWeight;
        /// @dev `constraintSet().maxTurnover`.
        uint256 maxTurnover;
        /// @dev Whether the registry is paused (`paused()`): the settlement then admits nothing.
        bool paused;
    }

    /// @notice Everything a registry starts with, applied in the constructor through the same checks
    /// (and the same audited events) as later governance changes.
    struct Genesis {
        bytes32 optimizerBuildHash;
        string optimizerVersion;
        StrategyParameters parameters;
        ConstraintSet constraints;
        address[] viewSigners;
        address[] keepers;
    }

    /// @notice The optimiser build the keeper must run was pinned.
    /// @param buildHash sha256 of the deterministic optimiser bundle.
    /// @param version Human-readable version of that build.
    event OptimizerBuildPinned(bytes32 indexed buildHash, string version);

    /// @notice `signer` may now sign investor views.
    event ViewSignerAdded(address indexed signer);

    /// @notice `signer` may no longer sign investor views.
    event ViewSignerRemoved(address indexed signer);

    /// @notice `keeper` may now submit rebalance instructions.
    event KeeperAdded(address indexed keeper);

    /// @notice `keeper` may no longer submit rebalance instructions.
    event KeeperRemoved(address indexed keeper);

    /// @notice A new version of the strategy parameters took effect.
    /// @param version The new version, starting at 1.
    /// @param parameters The parameters of that version.
    event StrategyParametersUpdated(uint256 indexed version, StrategyParameters parameters);

    /// @notice A new version of the constraint set took effect.
    /// @param version The new version, starting at 1.
    /// @param constraintSet The constraint set of that version.
    event ConstraintSetUpdated(uint256 indexed version, ConstraintSet constraintSet);

    /// @notice A numeric parameter lies outside its allowed closed range.
    /// @param field Name of the offending field, e.g. "tau" or "maxSlippageBps".
    /// @param value The rejected value.
    /// @param min Smallest allowed value.
    /// @param max Largest allowed value.
    error ModelRegistry__ParameterOutOfRange(string field, uint256 value, uint256 min, uint256 max);

    /// @notice A hash that must identify some content is zero.
    /// @param field Name of the offending field, e.g. "contentHash".
    error ModelRegistry__ZeroHash(string field);

    /// @notice A string that must be set is empty or longer than allowed.
    /// @param field Name of the offending field, e.g. "uri".
    /// @param length Its length in bytes.
    /// @param maxLength The largest allowed length in bytes.
    error ModelRegistry__InvalidStringLength(string field, uint256 length, uint256 maxLength);

    /// @notice The rebalance calendar is not a cron expression of five space-separated fields.
    /// @param calendar The rejected expression.
    /// @param fields How many fields it has.
    error ModelRegistry__InvalidCalendar(string calendar, uint256 fields);

    /// @notice The zero address was given where an account is required.
    /// @param field Name of the offending field, e.g. "keeper".
    error ModelRegistry__ZeroAddress(string field);

    /// @notice `account` already holds `role` ("viewSigner" or "keeper").
    error ModelRegistry__AlreadyAuthorized(string role, address account);

    /// @notice `account` does not hold `role` ("viewSigner" or "keeper").
    error ModelRegistry__NotAuthorized(string role, address account);

    /// @notice No such version: versions run from 1 to `latest`.
    error ModelRegistry__UnknownVersion(uint256 version, uint256 latest);

    /// @notice The registry must always have an owner; renouncing would freeze it for good.
    error ModelRegistry__RenounceDisabled();

    /// @notice sha256 of the deterministic optimiser bundle the keeper must run.
    function optimizerBuildHash() external view returns (bytes32);

    /// @notice Human-readable version of the pinned optimiser build, e.g. "0.1.0".
    function optimizerVersion() external view returns (string memory);

    /// @notice Whether `signer` may sign investor views.
    function isViewSigner(address signer) external view returns (bool);

    /// @notice Whether `keeper` may submit rebalance instructions.
    function isKeeper(address keeper) external view returns (bool);

    /// @notice The current strategy parameters.
    function strategyParameters() external view returns (StrategyParameters memory);

    /// @notice The current strategy parameters' version (0 before the first is set).
    function parametersVersion() external view returns (uint256);

    /// @notice The strategy parameters of an earlier or the current version.
    function strategyParametersAt(uint256 version) external view returns (StrategyParameters memory);

    /// @notice The current constraint set.
    function constraintSet() external view returns (ConstraintSet memory);

    /// @notice The current constraint set's version (0 before the first is set).
    function constraintSetVersion() external view returns (uint256);

    /// @notice The constraint set of an earlier or the current version.
    function constraintSetAt(uint256 version) external view returns (ConstraintSet memory);

    /// @notice The settlement's per-instruction reads in one call: whether `keeper` is a keeper, the
    /// pinned build hash and the current limits (see {SettlementTerms}).
    /// @dev Must agree with {isKeeper}, {optimizerBuildHash}, {strategyParameters} and {constraintSet}
    /// at every block; it exists so that the settlement pays for a few storage slots instead of
    /// decoding both versioned structs with their strings.
    function settlementTerms(address keeper) external view returns (SettlementTerms memory terms);
}
