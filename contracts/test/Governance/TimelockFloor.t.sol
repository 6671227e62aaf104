// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {TestBase} from "../utils/TestBase.sol";
import {PortfolioTimelock} from "../../governance/PortfolioTimelock.sol";
import {IPortfolioTimelock} from "../../interfaces/IPortfolioTimelock.sol";

/// @notice The timelock refuses any delay under 48 h, at deployment and through its own updateDelay.
contract PortfolioTimelockFloorTest is TestBase {
    address[] private _none;

    function testFuzz_DeploymentBelowFloorReverts(uint256 delay) public {
        delay = _bound(delay, 0, 48 hours - 1);
        vm.expectRevert(
            abi.encodeWithSelector(IPortfolioTimelock.PortfolioTimelock__DelayBelowFloor.selector, delay, 48 hours)
        );
        new PortfolioTimelock(delay, _none, _none, address(0));
    }

    function testFuzz_SelfUpdateBelowFloorReverts(uint256 delay) public {
        PortfolioTimelock timelock = new PortfolioTimelock(48 hours, _none, _none, address(0));
        delay = _bound(delay, 0, 48 hours - 1);
        vm.prank(address(timelock));
        vm.expectRevert(
            abi.encodeWithSelector(IPortfolioTimelock.PortfolioTimelock__DelayBelowFloor.selector, delay, 48 hours)
        );
        timelock.updateDelay(delay);
    }

    function testFuzz_SelfUpdateAtOrAboveFloorSucceeds(uint256 delay) public {
        PortfolioTimelock timelock = new PortfolioTimelock(48 hours, _none, _none, address(0));
        delay = _bound(delay, 48 hours, 365 days);
        vm.prank(address(timelock));
        timelock.updateDelay(delay);
        vm.assertEq(timelock.getMinDelay(), delay, "delay");
    }
}
