// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {TestBase} from "../utils/TestBase.sol";
import {RegistryFixture} from "./RegistryFixture.sol";
import {IModelRegistry} from "../../interfaces/IModelRegistry.sol";
import {ModelRegistry} from "../../registry/ModelRegistry.sol";

/// @notice {IModelRegistry-settlementTerms} always agrees with the individual getters it summarises.
contract ModelRegistrySettlementTermsTest is TestBase, RegistryFixture {
    ModelRegistry private _registry;

    function setUp() public {
        _registry = _deployRegistry(address(this), address(0xBEEF));
    }

    function _assertAgrees(address account) private view {
        IModelRegistry.SettlementTerms memory terms = _registry.settlementTerms(account);
        IModelRegistry.StrategyParameters memory p = _registry.strategyParameters();
        IModelRegistry.ConstraintSet memory c = _registry.constraintSet();
        vm.assertEq(terms.isKeeper, _registry.isKeeper(account), "isKeeper");
        vm.assertEq(terms.optimizerBuildHash, _registry.optimizerBuildHash(), "build hash");
        vm.assertEq(terms.maxSlippageBps, p.maxSlippageBps, "maxSlippageBps");
        vm.assertEq(terms.driftThreshold, p.driftThreshold, "driftThreshold");
        vm.assertEq(terms.maxPositionWeight, c.maxPositionWeight, "maxPositionWeight");
        vm.assertEq(terms.maxTurnover, c.maxTurnover, "maxTurnover");
    }

    function test_GenesisTerms() public view {
        _assertAgrees(address(0x6EE9));
        _assertAgrees(address(0xDEAD));
        vm.assertTrue(_registry.settlementTerms(address(0x6EE9)).isKeeper, "genesis keeper");
    }

    /// @dev Any in-bounds parameters, constraints, build and keeper change is reflected, at the
    /// extremes of every range included (the packed slot must hold 1e18 and 10 000 bps exactly).
    function testFuzz_TermsFollowEveryUpdate(
        uint256 drift,
        uint16 slippage,
        uint256 maxPosition,
        uint256 maxTurnover,
        bytes32 build,
        address keeper
    ) public {
        vm.assume(build != bytes32(0) && keeper != address(0));
        IModelRegistry.StrategyParameters memory p = _parameters();
        p.driftThreshold = _bound(drift, 1, WAD);
        p.maxSlippageBps = uint16(_bound(slippage, 1, 10_000));
        _registry.setStrategyParameters(p);
        _assertAgrees(keeper);

        IModelRegistry.ConstraintSet memory c = _constraints();
        c.maxPositionWeight = _bound(maxPosition, 1, WAD);
        c.maxTurnover = _bound(maxTurnover, 1, WAD);
        _registry.setConstraintSet(c);
        _assertAgrees(keeper);

        _registry.pinOptimizerBuild(build, "9.9.9");
        if (!_registry.isKeeper(keeper)) _registry.addKeeper(keeper);
        _assertAgrees(keeper);
        vm.assertTrue(_registry.settlementTerms(keeper).isKeeper, "added keeper");
        _registry.removeKeeper(keeper);
        _assertAgrees(keeper);
    }

    function test_ExtremeLimitsFitThePackedSlot() public {
        IModelRegistry.StrategyParameters memory p = _parameters();
        p.driftThreshold = WAD;
        p.maxSlippageBps = 10_000;
        _registry.setStrategyParameters(p);
        IModelRegistry.ConstraintSet memory c = _constraints();
        c.maxPositionWeight = WAD;
        c.maxTurnover = WAD;
        _registry.setConstraintSet(c);
        IModelRegistry.SettlementTerms memory terms = _registry.settlementTerms(address(0));
        vm.assertEq(terms.driftThreshold, WAD, "drift");
        vm.assertEq(terms.maxSlippageBps, 10_000, "slippage");
        vm.assertEq(terms.maxPositionWeight, WAD, "position");
        vm.assertEq(terms.maxTurnover, WAD, "turnover");
    }
}
