// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {TestBase} from "../utils/TestBase.sol";
import {CodeAddressList} from "../../libraries/CodeAddressList.sol";

/// @notice The code-stored address list reads back exactly what was written, and its data
/// contract does nothing when called.
contract CodeAddressListRoundTripTest is TestBase {
    /// @dev External so that `vm.expectRevert` sees the library's revert one call deep.
    function writeList(address[] calldata list) external returns (address) {
        return CodeAddressList.write(list);
    }

    function testFuzz_ReadsBackWhatWasWritten(uint256 seed, uint16 rawLength) public {
        uint256 n = _bound(rawLength, 1, 64);
        address[] memory list = new address[](n);
        for (uint256 i; i < n; ++i) {
            list[i] = address(uint160(uint256(keccak256(abi.encode(seed, i)))));
        }
        address pointer = CodeAddressList.write(list);
        vm.assertEq(pointer.code.length, 1 + 32 * n, "STOP byte and one word per address");
        address[] memory got = CodeAddressList.read(pointer, n);
        vm.assertEq(got.length, n, "length");
        for (uint256 i; i < n; ++i) {
            vm.assertEq(got[i], list[i], "address");
        }
        // A prefix read is a prefix of the list.
        address[] memory head = CodeAddressList.read(pointer, n - 1);
        vm.assertEq(head.length, n - 1, "prefix length");
        if (n > 1) vm.assertEq(head[n - 2], list[n - 2], "prefix content");
    }

    function test_EmptyReadNeedsNoPointer() public view {
        vm.assertEq(CodeAddressList.read(address(0), 0).length, 0, "empty");
    }

    function test_DataContractIsInert() public {
        address[] memory list = new address[](1);
        list[0] = address(0xBEEF);
        address pointer = CodeAddressList.write(list);
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory ret) = pointer.call(abi.encodeWithSignature("anything()"));
        vm.assertTrue(ok, "STOP succeeds");
        vm.assertEq(ret.length, 0, "returns nothing");
    }

    function test_RefusesListsAboveTheCodeSizeLimit() public {
        uint256 max = CodeAddressList.MAX_LENGTH;
        address[] memory list = new address[](max + 1);
        vm.expectRevert(abi.encodeWithSelector(CodeAddressList.CodeAddressList__TooLong.selector, max + 1, max));
        this.writeList(list);
        address[] memory largest = new address[](max);
        largest[max - 1] = address(0xCAFE);
        address pointer = this.writeList(largest);
        vm.assertEq(CodeAddressList.read(pointer, max)[max - 1], address(0xCAFE), "largest list fits");
    }
}
