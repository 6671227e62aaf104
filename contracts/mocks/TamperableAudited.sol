// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IAudited} from "../interfaces/IAudited.sol";
import {AuditChain} from "../libraries/AuditChain.sol";

/// @notice Test double of a tampered audited contract: it links honest entries like {Audited}, and
/// can also emit any `AuditRecorded` log (forged index, head or payload hash, with or without the
/// event before it) and overwrite its stored head and count, so a test can produce each kind of
/// break an auditor must name.
/// @dev Its audited event has the signature of the ModelRegistry's `GuardianUpdated`, so an
/// auditor's decoder knows it.
contract TamperableAudited is IAudited {
    using AuditChain for AuditChain.Chain;

    /// @notice Same signature (and topic0) as `IModelRegistry.GuardianUpdated`.
    event GuardianUpdated(address indexed previousGuardian, address indexed newGuardian);

    /// @notice A second event, to put an unrelated log where the audited one should be.
    event Unrelated(uint256 value);

    AuditChain.Chain private _chain;

    /// @inheritdoc IAudited
    function auditHead() external view returns (bytes32) {
        return _chain.head;
    }

    /// @inheritdoc IAudited
    function auditCount() external view returns (uint256) {
        return _chain.count;
    }

    /// @notice One honest entry: the event, then its link.
    function honest(address previousGuardian, address newGuardian) external {
        emit GuardianUpdated(previousGuardian, newGuardian);
        (uint256 index, bytes32 prevHead, bytes32 head) = _chain.append(
            GuardianUpdated.selector,
            keccak256(abi.encode(previousGuardian, newGuardian))
        );
        emit AuditRecorded(
            index,
            GuardianUpdated.selector,
            prevHead,
            keccak256(abi.encode(previousGuardian, newGuardian)),
            head
        );
    }

    /// @notice An entry whose link the contract computes honestly over a payload hash it is given:
    /// the chain holds, only the payload can be wrong.
    /// @param eventKind 0 no event before the link, 1 `GuardianUpdated(a, b)`, 2 `Unrelated(0)`.
    function linkWithPayload(uint8 eventKind, address a, address b, bytes32 payloadHash) external {
        _emitEvent(eventKind, a, b);
        (uint256 index, bytes32 prevHead, bytes32 head) = _chain.append(GuardianUpdated.selector, payloadHash);
        emit AuditRecorded(index, GuardianUpdated.selector, prevHead, payloadHash, head);
    }

    /// @notice A raw `AuditRecorded` log with any fields, after `GuardianUpdated(a, b)`; storage unchanged.
    function forge(uint256 index, bytes32 prevHead, bytes32 payloadHash, bytes32 head, address a, address b) external {
        emit GuardianUpdated(a, b);
        emit AuditRecorded(index, GuardianUpdated.selector, prevHead, payloadHash, head);
    }

    /// @notice Overwrites the stored head and count, as a storage tamper would.
    function overwrite(bytes32 head, uint256 count) external {
        _chain.head = head;
        _chain.count = count;
    }

    function _emitEvent(uint8 eventKind, address a, address b) private {
        if (eventKind == 1) emit GuardianUpdated(a, b);
        else if (eventKind == 2) emit Unrelated(0);
    }
}
