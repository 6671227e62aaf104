// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IAudited} from "../interfaces/IAudited.sol";
import {AuditChain} from "../libraries/AuditChain.sol";

/// @title Audited
/// @notice Mixin that gives a contract its own audit hash chain.
/// @dev Emit the audited event first, then call {_recordAudit} with its selector and payload hash,
/// so that the {AuditRecorded} log directly follows the event it links.
abstract contract Audited is IAudited {
    using AuditChain for AuditChain.Chain;

    AuditChain.Chain private _auditChain;

    /// @inheritdoc IAudited
    function auditHead() external view returns (bytes32) {
        return _auditChain.head;
    }

    /// @inheritdoc IAudited
    function auditCount() external view returns (uint256) {
        return _auditChain.count;
    }

    /// @dev Extends the chain with one entry and emits {AuditRecorded}.
    function _recordAudit(bytes32 eventType, bytes32 payloadHash) internal returns (uint256 index) {
        bytes32 prevHead;
        bytes32 head;
        (index, prevHead, head) = _auditChain.append(eventType, payloadHash);
        emit AuditRecorded(index, eventType, prevHead, payloadHash, head);
    }
}
