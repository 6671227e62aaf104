// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Vm} from "./Vm.sol";

/// @notice Base for this project's Solidity tests: the cheatcode handle, bounded fuzz inputs and
/// the target list the invariant fuzzer reads.
abstract contract TestBase {
    // solhint-disable-next-line const-name-snakecase
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    address[] private _targetContracts;

    /// @dev Read by the invariant fuzzer: only these contracts receive random calls.
    function targetContracts() public view returns (address[] memory) {
        return _targetContracts;
    }

    function _targetContract(address target) internal {
        _targetContracts.push(target);
    }

    /// @dev Maps any fuzzed value into [min, max] without rejecting runs.
    function _bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        require(min <= max, "TestBase: min > max");
        uint256 size = max - min;
        if (size == type(uint256).max) return x;
        return min + (x % (size + 1));
    }
}
