// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {Audited} from "./Audited.sol";

/// @title AuditedOwnable2Step
/// @notice Two-step ownership whose every change of owner is an audited event: the constructor's
/// `OwnershipTransferred(0x0, owner)` and each accepted handover. The owner decides everything else a
/// contract audits, so who it is belongs in the chain too. The pending step of a handover
/// (`OwnershipTransferStarted`) changes nothing and is not audited.
abstract contract AuditedOwnable2Step is Ownable2Step, Audited {
    function _transferOwnership(address newOwner) internal virtual override {
        address previous = owner();
        super._transferOwnership(newOwner);
        _recordAudit(OwnershipTransferred.selector, keccak256(abi.encode(previous, newOwner)));
    }
}
