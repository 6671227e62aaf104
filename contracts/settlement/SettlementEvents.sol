// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {RebalanceInstructionLib} from "../libraries/RebalanceInstructionLib.sol";
import {PostTradeChecks} from "../libraries/PostTradeChecks.sol";
import {CircuitBreaker} from "./CircuitBreaker.sol";

/// @title SettlementEvents
/// @notice The settlement's audited lifecycle events: each is emitted, then its payload hash
/// (`keccak256(abi.encode(<event fields in declaration order>))`) extends the audit chain.
abstract contract SettlementEvents is CircuitBreaker {
    constructor(address governance, address guardian_) CircuitBreaker(governance, guardian_) {}

    /// @dev Records the breach (audited), then halts: the settlement pauses itself.
    function _recordBreach(bytes32 id, address portfolio, PostTradeChecks.Breach memory breach) internal {
        emit ConstraintBreached(id, portfolio, breach.check, breach.asset, breach.observed, breach.limit);
        _recordAudit(
            ConstraintBreached.selector,
            keccak256(abi.encode(id, portfolio, breach.check, breach.asset, breach.observed, breach.limit))
        );
        _halt(id);
    }

    function _emitRolledBack(
        bytes32 id,
        address portfolio,
        RollbackReason reason,
        address[] memory tokens,
        uint256[] memory amounts
    ) internal {
        emit RolledBack(id, portfolio, reason, tokens, amounts);
        _recordAudit(RolledBack.selector, keccak256(abi.encode(id, portfolio, reason, tokens, amounts)));
    }

    function _emitFinalized(
        bytes32 id,
        address portfolio,
        uint256 navBefore,
        uint256 navAfter,
        uint256[] memory holdings,
        uint256[] memory amountsOut
    ) internal {
        emit SettlementFinalized(id, portfolio, navBefore, navAfter, holdings, amountsOut);
        _recordAudit(
            SettlementFinalized.selector,
            keccak256(abi.encode(id, portfolio, navBefore, navAfter, holdings, amountsOut))
        );
    }

    function _emitIssued(
        RebalanceInstructionLib.RebalanceInstruction calldata instruction,
        address keeper,
        bytes32 instructionHash
    ) internal {
        bytes32 id = instruction.id;
        address portfolio = instruction.portfolio;
        emit PortfolioOptimized(
            id,
            portfolio,
            instruction.targetWeights,
            instruction.inputsHash,
            instruction.optimiserBuildHash
        );
        _recordAudit(
            PortfolioOptimized.selector,
            keccak256(
                abi.encode(
                    id,
                    portfolio,
                    instruction.targetWeights,
                    instruction.inputsHash,
                    instruction.optimiserBuildHash
                )
            )
        );
        emit RebalanceInstructionIssued(
            id,
            portfolio,
            keeper,
            instructionHash,
            instruction.nonce,
            instruction.deadline
        );
        _recordAudit(
            RebalanceInstructionIssued.selector,
            keccak256(abi.encode(id, portfolio, keeper, instructionHash, instruction.nonce, instruction.deadline))
        );
    }
}
