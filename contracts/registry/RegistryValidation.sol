// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IModelRegistry} from "../interfaces/IModelRegistry.sol";

/// @title RegistryValidation
/// @notice The bounds every registry value must respect, checked once at the boundary so that the
/// keeper and the settlement contract can trust what they read. Units: WAD (1e18 = 100%) unless the
/// name ends in `Bps`.
/// @dev The upper bounds are sanity limits that catch unit mistakes (a percent given as WAD·100, a
/// basis-point value given as WAD) rather than economic policy; policy is for the DAO to vote on.
library RegistryValidation {
    uint256 internal constant WAD = 1e18;
    /// @dev δ above 1000 makes the optimiser ignore expected returns altogether.
    uint256 internal constant MAX_RISK_AVERSION = 1_000 * WAD;
    /// @dev An annualised volatility budget above 1000% is certainly a unit mistake.
    uint256 internal constant MAX_VOLATILITY_BUDGET = 10 * WAD;
    uint256 internal constant MAX_BPS = 10_000;
    uint256 internal constant MAX_CALENDAR_LENGTH = 64;
    uint256 internal constant MAX_VERSION_LENGTH = 64;
    uint256 internal constant MAX_URI_LENGTH = 256;
    uint256 internal constant CRON_FIELDS = 5;

    /// @notice Reverts with a diagnostic error unless every field of `p` lies within its bounds.
    function checkParameters(IModelRegistry.StrategyParameters memory p) internal pure {
        _checkRange("riskAversion", p.riskAversion, 1, MAX_RISK_AVERSION);
        _checkRange("tau", p.tau, 1, WAD);
        _checkRange("driftThreshold", p.driftThreshold, 1, WAD);
        _checkRange("volatilityBudget", p.volatilityBudget, 1, MAX_VOLATILITY_BUDGET);
        _checkRange("maxSlippageBps", p.maxSlippageBps, 1, MAX_BPS);
        checkCalendar(p.rebalanceCalendar);
    }

    /// @notice Reverts with a diagnostic error unless `c` names its content and its limits are fractions.
    function checkConstraints(IModelRegistry.ConstraintSet memory c) internal pure {
        if (c.contentHash == bytes32(0)) revert IModelRegistry.ModelRegistry__ZeroHash("contentHash");
        checkLength("uri", c.uri, MAX_URI_LENGTH);
        _checkRange("maxPositionWeight", c.maxPositionWeight, 1, WAD);
        _checkRange("maxTurnover", c.maxTurnover, 1, WAD);
    }

    /// @notice Reverts unless `buildHash` is set and `version` has 1 to 64 bytes.
    function checkBuild(bytes32 buildHash, string memory version) internal pure {
        if (buildHash == bytes32(0)) revert IModelRegistry.ModelRegistry__ZeroHash("optimizerBuildHash");
        checkLength("optimizerVersion", version, MAX_VERSION_LENGTH);
    }

    /// @notice Reverts unless `calendar` has 1 to 64 bytes and five space-separated fields.
    /// @dev Field contents are the keeper's to parse (croner); the count alone rejects the common
    /// mistakes of a six-field (seconds) or an empty expression.
    function checkCalendar(string memory calendar) internal pure {
        checkLength("rebalanceCalendar", calendar, MAX_CALENDAR_LENGTH);
        bytes memory b = bytes(calendar);
        uint256 fields;
        bool inField;
        for (uint256 i; i < b.length; ++i) {
            bool space = b[i] == " ";
            if (!space && !inField) ++fields;
            inField = !space;
        }
        if (fields != CRON_FIELDS) revert IModelRegistry.ModelRegistry__InvalidCalendar(calendar, fields);
    }

    /// @notice Reverts unless `value` has 1 to `maxLength` bytes.
    function checkLength(string memory field, string memory value, uint256 maxLength) internal pure {
        uint256 length = bytes(value).length;
        if (length == 0 || length > maxLength) {
            revert IModelRegistry.ModelRegistry__InvalidStringLength(field, length, maxLength);
        }
    }

    function _checkRange(string memory field, uint256 value, uint256 min, uint256 max) private pure {
        if (value < min || value > max)
            revert IModelRegistry.ModelRegistry__ParameterOutOfRange(field, value, min, max);
    }
}
