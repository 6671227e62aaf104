// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {TestBase} from "../utils/TestBase.sol";
import {RegistryFixture} from "./RegistryFixture.sol";
import {IModelRegistry} from "../../interfaces/IModelRegistry.sol";
import {IGuardianPausable} from "../../interfaces/IGuardianPausable.sol";
import {ModelRegistry} from "../../registry/ModelRegistry.sol";

/// @notice View signers, keepers, the guardian's pause and owner-only access.
contract ModelRegistryRolesTest is TestBase, RegistryFixture {
    address private constant GUARDIAN = address(0xBEEF);
    ModelRegistry private _registry;

    function setUp() public {
        _registry = _deployRegistry(address(this), GUARDIAN);
    }

    function testFuzz_AddsAndRemovesKeepers(address keeper) public {
        vm.assume(keeper != address(0) && keeper != address(0x6EE9));
        _registry.addKeeper(keeper);
        vm.assertTrue(_registry.isKeeper(keeper), "added");
        vm.assertEq(_registry.keepers().length, 2, "count");
        vm.expectRevert(
            abi.encodeWithSelector(IModelRegistry.ModelRegistry__AlreadyAuthorized.selector, "keeper", keeper)
        );
        _registry.addKeeper(keeper);
        _registry.removeKeeper(keeper);
        vm.assertFalse(_registry.isKeeper(keeper), "removed");
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelRegistry__NotAuthorized.selector, "keeper", keeper));
        _registry.removeKeeper(keeper);
    }

    function testFuzz_AddsAndRemovesViewSigners(address signer) public {
        // Not the genesis view signer, nor the genesis keeper (a keeper may also sign views).
        vm.assume(signer != address(0) && signer != address(0x5161) && !_registry.isKeeper(signer));
        _registry.addViewSigner(signer);
        vm.assertTrue(_registry.isViewSigner(signer), "added");
        vm.assertFalse(_registry.isKeeper(signer), "roles are separate");
        _registry.removeViewSigner(signer);
        vm.assertFalse(_registry.isViewSigner(signer), "removed");
        vm.assertEq(_registry.viewSigners().length, 1, "genesis signer stays");
    }

    function test_RejectsZeroAddress() public {
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelRegistry__ZeroAddress.selector, "viewSigner"));
        _registry.addViewSigner(address(0));
    }

    /// @dev No setter succeeds for a caller other than the owner.
    function testFuzz_OnlyOwnerWrites(address caller) public {
        vm.assume(caller != address(this));
        bytes memory unauthorized = abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, caller);
        vm.startPrank(caller);
        vm.expectRevert(unauthorized);
        _registry.setStrategyParameters(_parameters());
        vm.expectRevert(unauthorized);
        _registry.setConstraintSet(_constraints());
        vm.expectRevert(unauthorized);
        _registry.addKeeper(caller);
        vm.expectRevert(unauthorized);
        _registry.pinOptimizerBuild(keccak256("evil"), "6.6.6");
        vm.expectRevert(unauthorized);
        _registry.setGuardian(caller);
        vm.stopPrank();
        vm.assertEq(_registry.parametersVersion(), 1, "unchanged");
    }

    function testFuzz_OnlyGuardianOrOwnerPauses(address caller) public {
        vm.assume(caller != address(this) && caller != GUARDIAN);
        vm.prank(caller);
        vm.expectRevert(
            abi.encodeWithSelector(IGuardianPausable.GuardianPausable__NotGuardianOrGovernance.selector, caller)
        );
        _registry.pause();
    }

    function test_GuardianPausesOwnerUnpauses() public {
        vm.prank(GUARDIAN);
        _registry.pause();
        vm.assertTrue(_registry.paused(), "paused");
        vm.prank(GUARDIAN);
        vm.expectRevert(
            abi.encodeWithSelector(IGuardianPausable.GuardianPausable__UnexpectedPauseState.selector, true)
        );
        _registry.pause();
        vm.prank(GUARDIAN);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, GUARDIAN));
        _registry.unpause();
        _registry.unpause();
        vm.assertFalse(_registry.paused(), "unpaused");
        vm.expectRevert(
            abi.encodeWithSelector(IGuardianPausable.GuardianPausable__UnexpectedPauseState.selector, false)
        );
        _registry.unpause();
    }

    function test_OwnerReplacesGuardian() public {
        _registry.setGuardian(address(0xCAFE));
        vm.assertEq(_registry.guardian(), address(0xCAFE), "guardian");
        vm.prank(GUARDIAN);
        vm.expectRevert(
            abi.encodeWithSelector(IGuardianPausable.GuardianPausable__NotGuardianOrGovernance.selector, GUARDIAN)
        );
        _registry.pause();
    }

    function test_RenounceDisabled() public {
        vm.expectRevert(IModelRegistry.ModelRegistry__RenounceDisabled.selector);
        _registry.renounceOwnership();
        vm.assertEq(_registry.owner(), address(this), "owner kept");
    }
}
