// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {TestBase} from "../utils/TestBase.sol";
import {PortfolioTimelock} from "../../governance/PortfolioTimelock.sol";
import {IGuardianPausable} from "../../interfaces/IGuardianPausable.sol";

/// @notice The guardian keeps its veto over ordinary operations but cannot veto its own replacement.
contract GuardianEntrenchmentTest is TestBase {
    uint256 private constant DELAY = 48 hours;
    address private constant GOVERNOR = address(0x60);
    address private constant GUARDIAN = address(0x5AFE);
    address private constant NEW_GUARDIAN = address(0x5AFE2);
    address private constant REGISTRY = address(0x4E6);
    address private constant SETTLEMENT = address(0x5E77);

    PortfolioTimelock private _timelock;
    bytes32 private _canceller;

    function setUp() public {
        address[] memory governor = new address[](1);
        governor[0] = GOVERNOR;
        _timelock = new PortfolioTimelock(DELAY, governor, governor, address(this));
        _canceller = _timelock.CANCELLER_ROLE();
        _timelock.grantRole(_canceller, GUARDIAN);
        _timelock.renounceRole(_timelock.DEFAULT_ADMIN_ROLE(), address(this));
    }

    function test_GuardianCannotCancelItsOwnReplacement() public {
        bytes32 id = _schedule(REGISTRY, _setGuardian(NEW_GUARDIAN));
        _expectGuardianCannotCancel(id);
        vm.prank(GUARDIAN);
        _timelock.cancel(id);
        vm.assertTrue(_timelock.isOperationPending(id), "still pending");
    }

    function _schedule(address target, bytes memory data) private returns (bytes32 id) {
        vm.prank(GOVERNOR);
        _timelock.schedule(target, 0, data, bytes32(0), bytes32(0), DELAY);
        id = _timelock.hashOperation(target, 0, data, bytes32(0), bytes32(0));
    }

    function _setGuardian(address newGuardian) private pure returns (bytes memory) {
        return abi.encodeCall(IGuardianPausable.setGuardian, (newGuardian));
    }

    function _expectGuardianCannotCancel(bytes32 id) private {
        vm.expectRevert(
            abi.encodeWithSignature("PortfolioTimelock__GuardianCannotCancel(bytes32,address)", id, GUARDIAN)
        );
    }
}
