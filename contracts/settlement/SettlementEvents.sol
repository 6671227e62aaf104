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

    /// @dev Records the breach (audited), then halts the portfolio.
    function _recordBreach(bytes32 id, address portfolio, PostTradeChecks.Breach memory breach) internal {
        emit ConstraintBreached(id, portfolio, breach.check, breach.asset, breach.observed, breach.limit);
        _recordAudit(
            ConstraintBreached.selector,
            keccak256(abi.encode(id, portfolio, breach.check, breach.asset, breach.observed, breach.limit))
        );
        _haltPortfolio(portfolio, id);
    }

    /// @dev Stops `portfolio` (not the others) until governance resumes it; emits {PortfolioHalted}.
    function _haltPortfolio(address portfolio, bytes32 id) internal virtual;

    /// @dev A payment that failed and is now owed ({claim} or {recover}).
    function _emitDeferred(address recipient, address token, uint256 amount) internal {
        emit PaymentDeferred(recipient, token, amount);
        _recordAudit(PaymentDeferred.selector, keccak256(abi.encode(recipient, token, amount)));
    }

    function _emitClaimed(address counterparty, address token, uint256 amount) internal {
        emit PaymentClaimed(counterparty, token, amount);
        _recordAudit(PaymentClaimed.selector, keccak256(abi.encode(counterparty, token, amount)));
    }

    function _emitRecovered(address portfolio, address token, uint256 amount) internal {
        emit PaymentRecovered(portfolio, token, amount);
        _recordAudit(PaymentRecovered.selector, keccak256(abi.encode(portfolio, token, amount)));
    }

    /// @dev The governance allow-list events share one shape: an address and a flag.
    function _emitAllowed(bytes32 selector, address account, bool allowed) internal {
        if (selector == PortfolioSet.selector) emit PortfolioSet(account, allowed);
        else if (selector == VenueSet.selector) emit VenueSet(account, allowed);
        else emit MakerSet(account, allowed);
        _recordAudit(selector, keccak256(abi.encode(account, allowed)));
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
