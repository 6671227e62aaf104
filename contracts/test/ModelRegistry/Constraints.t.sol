// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {TestBase} from "../utils/TestBase.sol";
import {RegistryFixture} from "./RegistryFixture.sol";
import {IModelRegistry} from "../../interfaces/IModelRegistry.sol";
import {ModelRegistry} from "../../registry/ModelRegistry.sol";

/// @notice Constraint-set validation and versioning, and the optimiser build pin.
contract ModelRegistryConstraintsTest is TestBase, RegistryFixture {
    ModelRegistry private _registry;

    function setUp() public {
        _registry = _deployRegistry(address(this), address(0xBEEF));
    }

    function testFuzz_AcceptsFractionLimits(bytes32 contentHash, uint256 weight, uint256 turnover) public {
        vm.assume(contentHash != bytes32(0));
        IModelRegistry.ConstraintSet memory c = IModelRegistry.ConstraintSet({
            contentHash: contentHash,
            uri: "ipfs://next",
            maxPositionWeight: _bound(weight, 1, WAD),
            maxTurnover: _bound(turnover, 1, WAD)
        });
        vm.assertEq(_registry.setConstraintSet(c), 2, "version");
        vm.assertEq(_registry.constraintSet().contentHash, contentHash, "current");
        vm.assertEq(_registry.constraintSetAt(1).contentHash, keccak256("constraints-v1"), "version 1 untouched");
    }

    function testFuzz_RejectsWeightAboveOne(uint256 weight) public {
        weight = _bound(weight, WAD + 1, type(uint256).max);
        IModelRegistry.ConstraintSet memory c = _constraints();
        c.maxPositionWeight = weight;
        vm.expectRevert(
            abi.encodeWithSelector(
                IModelRegistry.ModelRegistry__ParameterOutOfRange.selector,
                "maxPositionWeight",
                weight,
                1,
                WAD
            )
        );
        _registry.setConstraintSet(c);
    }

    function testFuzz_RejectsTurnoverAboveOne(uint256 turnover) public {
        turnover = _bound(turnover, WAD + 1, type(uint256).max);
        IModelRegistry.ConstraintSet memory c = _constraints();
        c.maxTurnover = turnover;
        vm.expectRevert(
            abi.encodeWithSelector(
                IModelRegistry.ModelRegistry__ParameterOutOfRange.selector,
                "maxTurnover",
                turnover,
                1,
                WAD
            )
        );
        _registry.setConstraintSet(c);
    }

    function test_RejectsZeroContentHashAndEmptyUri() public {
        IModelRegistry.ConstraintSet memory c = _constraints();
        c.contentHash = bytes32(0);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelRegistry__ZeroHash.selector, "contentHash"));
        _registry.setConstraintSet(c);
        c = _constraints();
        c.uri = "";
        vm.expectRevert(
            abi.encodeWithSelector(IModelRegistry.ModelRegistry__InvalidStringLength.selector, "uri", 0, 256)
        );
        _registry.setConstraintSet(c);
    }

    function testFuzz_PinsBuild(bytes32 buildHash) public {
        vm.assume(buildHash != bytes32(0));
        _registry.pinOptimizerBuild(buildHash, "0.2.0");
        vm.assertEq(_registry.optimizerBuildHash(), buildHash, "hash");
        vm.assertEq(keccak256(bytes(_registry.optimizerVersion())), keccak256("0.2.0"), "version");
    }

    function test_RejectsZeroBuildHashAndEmptyVersion() public {
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelRegistry__ZeroHash.selector, "optimizerBuildHash"));
        _registry.pinOptimizerBuild(bytes32(0), "1");
        vm.expectRevert(
            abi.encodeWithSelector(
                IModelRegistry.ModelRegistry__InvalidStringLength.selector,
                "optimizerVersion",
                0,
                64
            )
        );
        _registry.pinOptimizerBuild(keccak256("b"), "");
    }
}
