// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {TestBase} from "../utils/TestBase.sol";
import {PortfolioTimelock} from "../../governance/PortfolioTimelock.sol";
import {IGuardianPausable} from "../../interfaces/IGuardianPausable.sol";
import {IPortfolioTimelock} from "../../interfaces/IPortfolioTimelock.sol";

/// @notice The guardian keeps its veto over ordinary operations but cannot veto its own replacement
/// or removal; the governor can still cancel either.
contract GuardianEntrenchmentTest is TestBase {
    uint256 private constant DELAY = 48 hours;
    address private constant GOVERNOR = address(0x60);
    address private constant GUARDIAN = address(0x5AFE);
    address private constant NEW_GUARDIAN = address(0x5AFE2);
    address private constant OUTSIDER = address(0xBAD);
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
        bytes32 id = _schedule(REGISTRY, 0, _setGuardian(NEW_GUARDIAN));
        vm.assertTrue(_timelock.isGuardianProtected(id), "protected");
        _expectGuardianCannotCancel(id);
        vm.prank(GUARDIAN);
        _timelock.cancel(id);
        vm.assertTrue(_timelock.isOperationPending(id), "still pending");
    }

    function test_GuardianCannotCancelItsRemoval() public {
        bytes32 id = _schedule(SETTLEMENT, 0, _setGuardian(address(0)));
        _expectGuardianCannotCancel(id);
        vm.prank(GUARDIAN);
        _timelock.cancel(id);
    }

    function test_GuardianCannotCancelTheRevokeOfItsCancellerRole() public {
        bytes32 id = _schedule(
            address(_timelock),
            0,
            abi.encodeCall(IAccessControl.revokeRole, (_canceller, GUARDIAN))
        );
        _expectGuardianCannotCancel(id);
        vm.prank(GUARDIAN);
        _timelock.cancel(id);
        vm.assertTrue(_timelock.isOperationPending(id), "still pending");
    }

    function test_GuardianCannotCancelTheGrantOfCancellerRoleToItsSuccessor() public {
        bytes32 id = _schedule(
            address(_timelock),
            0,
            abi.encodeCall(IAccessControl.grantRole, (_canceller, NEW_GUARDIAN))
        );
        _expectGuardianCannotCancel(id);
        vm.prank(GUARDIAN);
        _timelock.cancel(id);
    }

    function test_GuardianStillCancelsAnOrdinaryOperation() public {
        bytes32 id = _schedule(REGISTRY, 0, abi.encodeWithSignature("unpause()"));
        vm.assertFalse(_timelock.isGuardianProtected(id), "not protected");
        vm.prank(GUARDIAN);
        _timelock.cancel(id);
        vm.assertFalse(_timelock.isOperation(id), "cancelled");
    }

    /// @dev "Every call is a guardian-office call" is vacuously true of an empty batch: it must not be
    /// protected, or an empty proposal would be one the guardian cannot cancel.
    function test_GuardianCancelsAnEmptyBatch() public {
        address[] memory targets = new address[](0);
        uint256[] memory values = new uint256[](0);
        bytes[] memory payloads = new bytes[](0);
        vm.prank(GOVERNOR);
        _timelock.scheduleBatch(targets, values, payloads, bytes32(0), bytes32("empty"), DELAY);
        bytes32 id = _timelock.hashOperationBatch(targets, values, payloads, bytes32(0), bytes32("empty"));
        vm.assertFalse(_timelock.isGuardianProtected(id), "not protected");
        vm.prank(GUARDIAN);
        _timelock.cancel(id);
        vm.assertFalse(_timelock.isOperation(id), "cancelled");
    }

    /// @dev Other roles stay under the guardian's veto, e.g. a hostile majority handing PROPOSER_ROLE out.
    function test_GuardianStillCancelsAChangeOfAnotherRole() public {
        bytes32 proposer = _timelock.PROPOSER_ROLE();
        bytes32 id = _schedule(address(_timelock), 0, abi.encodeCall(IAccessControl.grantRole, (proposer, OUTSIDER)));
        vm.prank(GUARDIAN);
        _timelock.cancel(id);
        vm.assertFalse(_timelock.isOperation(id), "cancelled");
    }

    /// @dev CANCELLER_ROLE changes count only on the timelock itself.
    function test_GuardianStillCancelsACancellerGrantOnAnotherContract() public {
        bytes32 id = _schedule(REGISTRY, 0, abi.encodeCall(IAccessControl.grantRole, (_canceller, OUTSIDER)));
        vm.prank(GUARDIAN);
        _timelock.cancel(id);
        vm.assertFalse(_timelock.isOperation(id), "cancelled");
    }

    function test_GuardianStillCancelsASetGuardianThatMovesValue() public {
        vm.deal(address(_timelock), 1 ether);
        bytes32 id = _schedule(REGISTRY, 1 ether, _setGuardian(NEW_GUARDIAN));
        vm.assertFalse(_timelock.isGuardianProtected(id), "not protected");
        vm.prank(GUARDIAN);
        _timelock.cancel(id);
    }

    function test_GovernorStillCancelsAProtectedOperation() public {
        bytes32 id = _schedule(REGISTRY, 0, _setGuardian(NEW_GUARDIAN));
        vm.prank(GOVERNOR);
        _timelock.cancel(id);
        vm.assertFalse(_timelock.isOperation(id), "cancelled");
    }

    function test_OutsiderGetsTheUsualAccessControlError() public {
        bytes32 id = _schedule(REGISTRY, 0, _setGuardian(NEW_GUARDIAN));
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, OUTSIDER, _canceller)
        );
        vm.prank(OUTSIDER);
        _timelock.cancel(id);
    }

    /// @dev The shape the governor's `queue` produces for a full replacement.
    function test_BatchReplacingTheGuardianEverywhereIsProtected() public {
        (address[] memory targets, uint256[] memory values, bytes[] memory payloads) = _batch(4);
        targets[0] = REGISTRY;
        payloads[0] = _setGuardian(NEW_GUARDIAN);
        targets[1] = SETTLEMENT;
        payloads[1] = _setGuardian(NEW_GUARDIAN);
        targets[2] = address(_timelock);
        payloads[2] = abi.encodeCall(IAccessControl.grantRole, (_canceller, NEW_GUARDIAN));
        targets[3] = address(_timelock);
        payloads[3] = abi.encodeCall(IAccessControl.revokeRole, (_canceller, GUARDIAN));
        bytes32 id = _scheduleBatch(targets, values, payloads);
        vm.assertTrue(_timelock.isGuardianProtected(id), "protected");
        _expectGuardianCannotCancel(id);
        vm.prank(GUARDIAN);
        _timelock.cancel(id);
    }

    /// @dev A batch that smuggles a `setGuardian` next to an ordinary call stays under the guardian's
    /// veto: otherwise any hostile proposal could shield itself by adding one.
    function test_BatchMixingAnOrdinaryCallWithSetGuardianIsNotProtected() public {
        (address[] memory targets, uint256[] memory values, bytes[] memory payloads) = _batch(2);
        targets[0] = REGISTRY;
        payloads[0] = _setGuardian(GUARDIAN);
        targets[1] = REGISTRY;
        payloads[1] = abi.encodeWithSignature("unpause()");
        bytes32 id = _scheduleBatch(targets, values, payloads);
        vm.assertFalse(_timelock.isGuardianProtected(id), "not protected");
        vm.prank(GUARDIAN);
        _timelock.cancel(id);
        vm.assertFalse(_timelock.isOperation(id), "cancelled");
    }

    function testFuzz_OrdinarySingleCallsStayCancellable(bytes4 selector, bytes memory args) public {
        vm.assume(selector != IGuardianPausable.setGuardian.selector);
        bytes32 id = _schedule(address(_timelock), 0, abi.encodePacked(selector, args));
        bool roleChange =
            selector == IAccessControl.grantRole.selector ||
                selector == IAccessControl.revokeRole.selector ||
                selector == IAccessControl.renounceRole.selector;
        vm.assume(!(roleChange && args.length >= 32 && bytes32(args) == _canceller));
        vm.prank(GUARDIAN);
        _timelock.cancel(id);
        vm.assertFalse(_timelock.isOperation(id), "cancelled");
    }

    function test_ScheduleEmitsTheProtectionEvent() public {
        bytes memory data = _setGuardian(NEW_GUARDIAN);
        bytes32 id = _timelock.hashOperation(REGISTRY, 0, data, bytes32(0), bytes32(0));
        vm.expectEmit(address(_timelock));
        emit IPortfolioTimelock.GuardianProtectedOperationScheduled(id);
        vm.prank(GOVERNOR);
        _timelock.schedule(REGISTRY, 0, data, bytes32(0), bytes32(0), DELAY);
    }

    function _schedule(address target, uint256 value, bytes memory data) private returns (bytes32 id) {
        vm.prank(GOVERNOR);
        _timelock.schedule(target, value, data, bytes32(0), bytes32(0), DELAY);
        id = _timelock.hashOperation(target, value, data, bytes32(0), bytes32(0));
    }

    function _scheduleBatch(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory payloads
    ) private returns (bytes32 id) {
        vm.prank(GOVERNOR);
        _timelock.scheduleBatch(targets, values, payloads, bytes32(0), bytes32(0), DELAY);
        id = _timelock.hashOperationBatch(targets, values, payloads, bytes32(0), bytes32(0));
    }

    function _batch(
        uint256 n
    ) private pure returns (address[] memory targets, uint256[] memory values, bytes[] memory payloads) {
        targets = new address[](n);
        values = new uint256[](n);
        payloads = new bytes[](n);
    }

    function _setGuardian(address newGuardian) private pure returns (bytes memory) {
        return abi.encodeCall(IGuardianPausable.setGuardian, (newGuardian));
    }

    function _expectGuardianCannotCancel(bytes32 id) private {
        vm.expectRevert(
            abi.encodeWithSelector(IPortfolioTimelock.PortfolioTimelock__GuardianCannotCancel.selector, id, GUARDIAN)
        );
    }
}
