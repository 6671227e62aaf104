// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Vm} from "../utils/Vm.sol";
import {IAudited} from "../../interfaces/IAudited.sol";
import {IGuardianPausable} from "../../interfaces/IGuardianPausable.sol";
import {ISettlement} from "../../interfaces/ISettlement.sol";
import {AuditChain} from "../../libraries/AuditChain.sol";

/// @notice A ghost of the settlement's audit chain, folded from the recorded logs the way an outside
/// auditor does it from docs/audit-chain.md: each `AuditRecorded` must directly follow its audited
/// event, carry the next index and the previous head, and its payload hash must equal
/// `keccak256(abi.encode(<the event's fields in declaration order>))` recomputed from that event's
/// own topics and data. Every audited settlement event declares its indexed fields first.
abstract contract SettlementAuditFold {
    /// @notice The head and count the fold reached.
    bytes32 public ghostHead;
    uint256 public ghostCount;
    /// @notice Entries that did not match their event, their position or the head before them.
    uint256 public ghostMismatches;

    address private immutable _AUDITED;

    /// @param audited The settlement, whose chain starts here at `head` after `count` entries.
    constructor(address audited, bytes32 head, uint256 count) {
        _AUDITED = audited;
        ghostHead = head;
        ghostCount = count;
    }

    /// @dev Folds `logs` (in emission order) into the ghost chain.
    function _fold(Vm.Log[] memory logs) internal {
        for (uint256 i; i < logs.length; ++i) {
            Vm.Log memory log = logs[i];
            if (log.emitter != _AUDITED || log.topics[0] != IAudited.AuditRecorded.selector) continue;
            (bytes32 prevHead, bytes32 payloadHash, bytes32 head) = abi.decode(log.data, (bytes32, bytes32, bytes32));
            bytes32 eventType = log.topics[2];
            if (uint256(log.topics[1]) != ghostCount || prevHead != ghostHead) ++ghostMismatches;
            if (i == 0 || logs[i - 1].emitter != _AUDITED || logs[i - 1].topics[0] != eventType) {
                ++ghostMismatches;
            } else if (_payloadOf(logs[i - 1]) != payloadHash) {
                ++ghostMismatches;
            }
            ghostHead = AuditChain.link(ghostHead, ghostCount, eventType, payloadHash);
            if (head != ghostHead) ++ghostMismatches;
            ++ghostCount;
        }
    }

    /// @notice The payload hash of an audited settlement event, recomputed from its log alone.
    /// Unknown events hash to zero, so an audited event this fold does not know is a mismatch.
    function _payloadOf(Vm.Log memory log) internal pure returns (bytes32) {
        bytes32 t = log.topics[0];
        if (
            t == ISettlement.PortfolioOptimized.selector ||
            t == ISettlement.EscrowLocked.selector ||
            t == ISettlement.SettlementFinalized.selector ||
            t == ISettlement.RolledBack.selector
        ) return _dynamicPayload(log);
        if (
            t == ISettlement.RebalanceInstructionIssued.selector ||
            t == ISettlement.ConstraintBreached.selector ||
            t == ISettlement.PaymentDeferred.selector ||
            t == ISettlement.PaymentClaimed.selector ||
            t == ISettlement.PaymentRecovered.selector ||
            t == ISettlement.PortfolioSet.selector ||
            t == ISettlement.VenueSet.selector ||
            t == ISettlement.MakerSet.selector ||
            t == ISettlement.PortfolioPolicySet.selector ||
            t == ISettlement.PortfolioHalted.selector ||
            t == ISettlement.PortfolioResumed.selector ||
            t == IGuardianPausable.Paused.selector ||
            t == IGuardianPausable.Unpaused.selector ||
            t == IGuardianPausable.GuardianUpdated.selector ||
            t == Ownable.OwnershipTransferred.selector
        ) return _staticPayload(log);
        return bytes32(0);
    }

    /// @dev Only static fields, indexed ones first: the encoding is the topics then the data words.
    function _staticPayload(Vm.Log memory log) private pure returns (bytes32) {
        bytes memory encoded;
        for (uint256 k = 1; k < log.topics.length; ++k) encoded = bytes.concat(encoded, log.topics[k]);
        return keccak256(bytes.concat(encoded, log.data));
    }

    /// @dev Dynamic fields move the data's offsets, so each event is decoded and encoded whole.
    function _dynamicPayload(Vm.Log memory log) private pure returns (bytes32) {
        (bytes32 t, bytes32 id, bytes32 portfolio) = (log.topics[0], log.topics[1], log.topics[2]);
        if (t == ISettlement.PortfolioOptimized.selector) {
            (uint256[] memory w, bytes32 inputs, bytes32 build) = abi.decode(log.data, (uint256[], bytes32, bytes32));
            return keccak256(abi.encode(id, portfolio, w, inputs, build));
        }
        if (t == ISettlement.EscrowLocked.selector) {
            (address[] memory tokens, uint256[] memory amounts) = abi.decode(log.data, (address[], uint256[]));
            return keccak256(abi.encode(id, portfolio, tokens, amounts));
        }
        if (t == ISettlement.SettlementFinalized.selector) {
            (uint256 navBefore, uint256 navAfter, uint256[] memory holdings, uint256[] memory out) = abi.decode(
                log.data,
                (uint256, uint256, uint256[], uint256[])
            );
            return keccak256(abi.encode(id, portfolio, navBefore, navAfter, holdings, out));
        }
        (uint8 reason, address[] memory sold, uint256[] memory amountsSold) = abi.decode(
            log.data,
            (uint8, address[], uint256[])
        );
        return keccak256(abi.encode(id, portfolio, reason, sold, amountsSold));
    }
}
