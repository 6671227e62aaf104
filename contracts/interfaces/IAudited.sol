// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IAudited
/// @notice A contract whose state changes extend an append-only hash chain that anyone can
/// recompute from logs alone.
/// @dev Chain rule (see docs/audit-chain.md): `head' = keccak256(abi.encode(head, index, eventType, payloadHash))`,
/// starting from `head = bytes32(0)` and `index = 0`. Each audited event is followed, in the same
/// transaction, by an {AuditRecorded} log that carries its index, the previous head and its payload hash.
interface IAudited {
    /// @notice Links the audited event emitted just before this log into the chain.
    /// @param index Zero-based position of the entry in the chain.
    /// @param eventType Selector (topic0) of the audited event that this entry records.
    /// @param prevHead Chain head before this entry.
    /// @param payloadHash keccak256 of the ABI encoding of the audited event's fields, in declaration order.
    /// @param head Chain head after this entry.
    event AuditRecorded(
        uint256 indexed index,
        bytes32 indexed eventType,
        bytes32 prevHead,
        bytes32 payloadHash,
        bytes32 head
    );

    /// @notice The current chain head: the fold of every entry so far, `bytes32(0)` before the first.
    function auditHead() external view returns (bytes32);

    /// @notice The number of entries in the chain.
    function auditCount() external view returns (uint256);
}
