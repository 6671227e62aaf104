// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Vm} from "../utils/Vm.sol";
import {SettlementAuditFold} from "./SettlementAuditFold.sol";

/// @notice The handler's audit fold on its own, fed logs by hand: shows that a tampered log breaks it.
contract AuditFoldProbe is SettlementAuditFold {
    constructor(address audited, bytes32 head, uint256 count) SettlementAuditFold(audited, head, count) {}

    function fold(Vm.Log[] calldata logs) external {
        _fold(logs);
    }
}
