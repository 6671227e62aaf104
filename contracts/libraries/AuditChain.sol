// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title AuditChain
/// @notice Append-only hash chain over audited events.
/// @dev `head' = keccak256(abi.encode(head, index, eventType, payloadHash))`, genesis head `bytes32(0)`.
/// The index is folded into every link so that an auditor who drops or reorders an entry breaks
/// the chain even when two entries carry the same payload.
library AuditChain {
    struct Chain {
        bytes32 head;
        uint256 count;
    }

    /// @notice Appends one entry and returns where it landed.
    /// @return index Zero-based position of the new entry.
    /// @return prevHead Head before the entry.
    /// @return head Head after the entry.
    function append(
        Chain storage chain,
        bytes32 eventType,
        bytes32 payloadHash
    ) internal returns (uint256 index, bytes32 prevHead, bytes32 head) {
        prevHead = chain.head;
        index = chain.count;
        head = link(prevHead, index, eventType, payloadHash);
        chain.head = head;
        chain.count = index + 1;
    }

    /// @notice One step of the fold: the head that follows `head` after entry `index`.
    function link(bytes32 head, uint256 index, bytes32 eventType, bytes32 payloadHash) internal pure returns (bytes32) {
        return keccak256(abi.encode(head, index, eventType, payloadHash));
    }
}
