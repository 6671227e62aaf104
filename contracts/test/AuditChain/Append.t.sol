// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {TestBase} from "../utils/TestBase.sol";
import {AuditedHarness} from "../../mocks/AuditedHarness.sol";
import {AuditChain} from "../../libraries/AuditChain.sol";

contract AuditChainAppendTest is TestBase {
    AuditedHarness private _harness;

    function setUp() public {
        _harness = new AuditedHarness();
    }

    function test_GenesisIsZero() public view {
        vm.assertEq(_harness.auditHead(), bytes32(0), "genesis head");
        vm.assertEq(_harness.auditCount(), 0, "genesis count");
    }

    function test_FirstLinkMatchesFormula() public {
        _harness.record("topic", 7);
        bytes32 payload = keccak256(abi.encode(bytes32("topic"), uint256(7)));
        bytes32 expected = keccak256(abi.encode(bytes32(0), uint256(0), AuditedHarness.Noted.selector, payload));
        vm.assertEq(_harness.auditHead(), expected, "head after one entry");
    }

    /// @dev The head after any sequence of entries equals the fold of the same entries.
    function testFuzz_HeadIsFoldOfEntries(bytes32[8] calldata topics, uint256[8] calldata values, uint8 n) public {
        uint256 count = _bound(n, 0, 8);
        bytes32 head;
        for (uint256 i; i < count; ++i) {
            uint256 index = _harness.record(topics[i], values[i]);
            vm.assertEq(index, i, "index");
            head = AuditChain.link(head, i, AuditedHarness.Noted.selector, keccak256(abi.encode(topics[i], values[i])));
        }
        vm.assertEq(_harness.auditHead(), head, "head is the fold");
        vm.assertEq(_harness.auditCount(), count, "count");
    }

    /// @dev Swapping two different entries always changes the head: order is part of the record.
    function testFuzz_OrderMatters(uint256 a, uint256 b) public {
        vm.assume(a != b);
        AuditedHarness other = new AuditedHarness();
        _harness.record("t", a);
        _harness.record("t", b);
        other.record("t", b);
        other.record("t", a);
        vm.assertTrue(_harness.auditHead() != other.auditHead(), "reordered chain has another head");
    }
}
