// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {TestBase} from "../utils/TestBase.sol";
import {RegistryFixture} from "./RegistryFixture.sol";
import {IModelRegistry} from "../../interfaces/IModelRegistry.sol";
import {ModelRegistry} from "../../registry/ModelRegistry.sol";

/// @notice Strategy-parameter validation and versioning; this contract owns the registry.
contract ModelRegistryParametersTest is TestBase, RegistryFixture {
    ModelRegistry private _registry;

    function setUp() public {
        _registry = _deployRegistry(address(this), address(0xBEEF));
    }

    function _expectOutOfRange(string memory field, uint256 value, uint256 min, uint256 max) private {
        vm.expectRevert(
            abi.encodeWithSelector(IModelRegistry.ModelRegistry__ParameterOutOfRange.selector, field, value, min, max)
        );
    }

    function test_GenesisIsVersionOne() public view {
        vm.assertEq(_registry.parametersVersion(), 1, "parameters version");
        vm.assertEq(_registry.strategyParameters().riskAversion, 25e17, "risk aversion");
        vm.assertEq(_registry.strategyParametersAt(1).tau, 5e16, "tau at v1");
    }

    /// @dev Any in-bounds set is accepted as the next version and read back field for field.
    function testFuzz_AcceptsInBoundsParameters(
        uint8 kind,
        uint256 riskAversion,
        uint256 tau,
        bytes32 budgets,
        uint256 drift,
        uint256 vol,
        uint16 slippage
    ) public {
        IModelRegistry.StrategyParameters memory p = IModelRegistry.StrategyParameters({
            optimizerType: IModelRegistry.OptimizerType(
                _bound(kind, 0, uint256(type(IModelRegistry.OptimizerType).max))
            ),
            riskAversion: _bound(riskAversion, 1, 1_000 * WAD),
            tau: _bound(tau, 1, WAD),
            riskBudgetsHash: budgets,
            driftThreshold: _bound(drift, 1, WAD),
            volatilityBudget: _bound(vol, 1, 10 * WAD),
            rebalanceCalendar: "*/15 * * * *",
            maxSlippageBps: uint16(_bound(slippage, 1, 10_000))
        });
        uint256 version = _registry.setStrategyParameters(p);
        vm.assertEq(version, 2, "new version");
        IModelRegistry.StrategyParameters memory got = _registry.strategyParameters();
        vm.assertEq(keccak256(abi.encode(got)), keccak256(abi.encode(p)), "stored as given");
        vm.assertEq(_registry.strategyParametersAt(1).riskAversion, 25e17, "version 1 untouched");
    }

    function testFuzz_RejectsTauAboveOne(uint256 tau) public {
        tau = _bound(tau, WAD + 1, type(uint256).max);
        IModelRegistry.StrategyParameters memory p = _parameters();
        p.tau = tau;
        _expectOutOfRange("tau", tau, 1, WAD);
        _registry.setStrategyParameters(p);
    }

    function testFuzz_RejectsDriftAboveOne(uint256 drift) public {
        drift = _bound(drift, WAD + 1, type(uint256).max);
        IModelRegistry.StrategyParameters memory p = _parameters();
        p.driftThreshold = drift;
        _expectOutOfRange("driftThreshold", drift, 1, WAD);
        _registry.setStrategyParameters(p);
    }

    function testFuzz_RejectsSlippageAboveFullBps(uint16 slippage) public {
        slippage = uint16(_bound(slippage, 10_001, type(uint16).max));
        IModelRegistry.StrategyParameters memory p = _parameters();
        p.maxSlippageBps = slippage;
        _expectOutOfRange("maxSlippageBps", slippage, 1, 10_000);
        _registry.setStrategyParameters(p);
    }

    function testFuzz_RejectsRiskAversionOutOfRange(uint256 delta) public {
        delta = _bound(delta, 1_000 * WAD + 1, type(uint256).max);
        IModelRegistry.StrategyParameters memory p = _parameters();
        p.riskAversion = delta;
        _expectOutOfRange("riskAversion", delta, 1, 1_000 * WAD);
        _registry.setStrategyParameters(p);
        p.riskAversion = 0;
        _expectOutOfRange("riskAversion", 0, 1, 1_000 * WAD);
        _registry.setStrategyParameters(p);
    }

    function test_RejectsZeroVolatilityBudget() public {
        IModelRegistry.StrategyParameters memory p = _parameters();
        p.volatilityBudget = 0;
        _expectOutOfRange("volatilityBudget", 0, 1, 10 * WAD);
        _registry.setStrategyParameters(p);
    }

    function test_RejectsEmptyCalendar() public {
        IModelRegistry.StrategyParameters memory p = _parameters();
        p.rebalanceCalendar = "";
        vm.expectRevert(
            abi.encodeWithSelector(
                IModelRegistry.ModelRegistry__InvalidStringLength.selector,
                "rebalanceCalendar",
                0,
                64
            )
        );
        _registry.setStrategyParameters(p);
    }

    /// @dev Only five-field expressions pass, whatever the spacing.
    function testFuzz_CalendarNeedsFiveFields(uint8 n) public {
        uint256 fields = _bound(n, 1, 12);
        bytes memory expr;
        for (uint256 i; i < fields; ++i) expr = abi.encodePacked(expr, i == 0 ? "" : "  ", "*");
        IModelRegistry.StrategyParameters memory p = _parameters();
        p.rebalanceCalendar = string(expr);
        if (fields != 5) {
            vm.expectRevert(
                abi.encodeWithSelector(IModelRegistry.ModelRegistry__InvalidCalendar.selector, string(expr), fields)
            );
        }
        _registry.setStrategyParameters(p);
    }

    /// @dev Every version written stays readable, unchanged, after later versions.
    function testFuzz_HistoryIsAppendOnly(uint256[6] calldata aversions, uint8 n) public {
        uint256 count = _bound(n, 1, 6);
        IModelRegistry.StrategyParameters memory p = _parameters();
        for (uint256 i; i < count; ++i) {
            p.riskAversion = _bound(aversions[i], 1, 1_000 * WAD);
            vm.assertEq(_registry.setStrategyParameters(p), i + 2, "version");
        }
        vm.assertEq(_registry.parametersVersion(), count + 1, "latest");
        vm.assertEq(_registry.strategyParametersAt(1).riskAversion, 25e17, "genesis");
        for (uint256 i; i < count; ++i) {
            vm.assertEq(
                _registry.strategyParametersAt(i + 2).riskAversion,
                _bound(aversions[i], 1, 1_000 * WAD),
                "history"
            );
        }
    }

    function testFuzz_UnknownVersionReverts(uint256 version) public {
        vm.assume(version != 1);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelRegistry__UnknownVersion.selector, version, 1));
        _registry.strategyParametersAt(version);
    }
}
