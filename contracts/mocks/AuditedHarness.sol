// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Audited} from "../audit/Audited.sol";

/// @notice Test double that exposes {Audited._recordAudit} with a plain audited event before it.
contract AuditedHarness is Audited {
    /// @notice The audited event recorded by {record}.
    event Noted(bytes32 indexed topic, uint256 value);

    /// @notice Emits {Noted} and links it into the audit chain.
    function record(bytes32 topic, uint256 value) external returns (uint256 index) {
        emit Noted(topic, value);
        index = _recordAudit(Noted.selector, keccak256(abi.encode(topic, value)));
    }
}
