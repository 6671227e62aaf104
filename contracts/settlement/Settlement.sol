// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IModelRegistry} from "../interfaces/IModelRegistry.sol";
import {IPortfolioVault} from "../interfaces/IPortfolioVault.sol";
import {ISettlement} from "../interfaces/ISettlement.sol";
import {IPriceOracle} from "../interfaces/IPriceOracle.sol";
import {IVenueAdapter} from "../interfaces/IVenueAdapter.sol";
import {RebalanceInstructionLib} from "../libraries/RebalanceInstructionLib.sol";
import {PostTradeChecks} from "../libraries/PostTradeChecks.sol";
import {SettlementCore} from "./SettlementCore.sol";
import {RfqEscrow} from "./RfqEscrow.sol";

/// @title Settlement
/// @notice Settlement escrow for DAO portfolio rebalances, with an atomic path through venue
/// adapters and a two-step RFQ path for off-chain market makers.
/// @dev State machine of an instruction id (stored: None, PendingFinality, Finalized, RolledBack):
///
///   None → Issued            {settle}/{lock}: keeper, build hash, nonce, id, deadline, shape and each
///                            leg's oracle floor checked.
///   Issued → RolledBack      a pre-trade risk threshold, the loss budget or the pacing is exceeded: the
///                            portfolio halts + ConstraintBreached, nothing moves.
///   Issued → Finalized       atomic: legs run in order, each paid from the vault to its venue and
///                            measured at the vault against its limit; post-trade checks pass; same
///                            transaction. Any failure reverts the whole transaction.
///   Issued → PendingFinality RFQ: sell amounts move vault → escrow (EscrowLocked, PendingFinality).
///   PendingFinality → Finalized
///       RFQ: {finalize} (a keeper or a maker) after every leg is filled and the post-trade checks pass.
///   PendingFinality → RolledBack
///       RFQ: {rollback} (anyone after the deadline; keeper, guardian or governance before) or a failed
///            post-trade check in {finalize} (plus a halt of that portfolio + ConstraintBreached).
///            Escrow returns exactly; a transfer the token refuses is owed ({claim}, {recover}).
///
/// Finalized and RolledBack are terminal; an id never leaves them, and a nonce is consumed at issue.
contract Settlement is SettlementCore, ReentrancyGuardTransient {
    mapping(bytes32 id => RfqEscrow.Pending) private _pending;
    mapping(address counterparty => mapping(address token => uint256)) private _owed;

    /// @param registry_ Model registry (keepers, optimiser build hash, limits).
    /// @param oracle_ Price oracle of the risk checks.
    /// @param governance Owner: the DAO timelock. Allows portfolios and venues, unpauses after a halt.
    /// @param guardian_ May pause (the guardian Safe).
    constructor(
        IModelRegistry registry_,
        IPriceOracle oracle_,
        address governance,
        address guardian_
    ) SettlementCore(registry_, oracle_, governance, guardian_) {}

    /// @inheritdoc ISettlement
    function settle(
        RebalanceInstructionLib.RebalanceInstruction calldata instruction
    ) external nonReentrant returns (bool finalized) {
        return _settleAtomic(instruction, msg.sender);
    }

    /// @inheritdoc ISettlement
    function settleSigned(
        RebalanceInstructionLib.RebalanceInstruction calldata instruction,
        bytes calldata signature
    ) external nonReentrant returns (bool finalized) {
        return _settleAtomic(instruction, _signer(instruction, signature, true));
    }

    /// @inheritdoc ISettlement
    function lock(
        RebalanceInstructionLib.RebalanceInstruction calldata instruction
    ) external nonReentrant returns (bool locked) {
        return _lockTwoStep(instruction, msg.sender);
    }

    /// @inheritdoc ISettlement
    function lockSigned(
        RebalanceInstructionLib.RebalanceInstruction calldata instruction,
        bytes calldata signature
    ) external nonReentrant returns (bool locked) {
        return _lockTwoStep(instruction, _signer(instruction, signature, false));
    }

    /// @inheritdoc ISettlement
    function fill(bytes32 id, uint256 leg, uint256 amountOut) external nonReentrant whenOperational {
        RfqEscrow.fill(_requirePending(id), id, leg, amountOut, _makers[msg.sender]);
    }

    /// @inheritdoc ISettlement
    function finalize(bytes32 id) external nonReentrant whenOperational returns (bool finalized) {
        RfqEscrow.Pending storage p = _requirePending(id);
        if (block.timestamp > p.deadline) revert Settlement__Expired(p.deadline, block.timestamp);
        uint256 n = p.legs.length;
        if (p.filled != n) revert Settlement__LegsUnfilled(id, p.filled, n);
        if (!_isKeeper(msg.sender) && !RfqEscrow.isMakerOf(p, msg.sender)) {
            revert Settlement__NotFinalizer(id, msg.sender);
        }

        address portfolio = p.portfolio;
        (PostTradeChecks.Breach memory breach, uint256 preNav, uint256 postNav) = RfqEscrow.check(
            p,
            _oracleAddress(),
            _limits()
        );
        if (breach.check != Check.None) {
            _recordBreach(id, portfolio, breach);
            _unwind(id, p, RollbackReason.ConstraintBreached);
            return false;
        }

        _status[id] = Status.Finalized;
        _clearPending(portfolio);
        _owe(RfqEscrow.payOut(p, true));
        uint256[] memory holdings = IPortfolioVault(portfolio).balances();
        _emitFinalized(id, portfolio, preNav, postNav, holdings, p.amountsOut);
        return true;
    }

    /// @inheritdoc ISettlement
    function rollback(bytes32 id) external nonReentrant {
        RfqEscrow.Pending storage p = _requirePending(id);
        bool expired = block.timestamp > p.deadline;
        if (!expired && !_isGuardianOrOwner(msg.sender) && !_isKeeper(msg.sender)) {
            revert Settlement__RollbackTooEarly(id, p.deadline);
        }
        _unwind(id, p, expired ? RollbackReason.Expired : RollbackReason.Cancelled);
    }

    /// @inheritdoc ISettlement
    function claim(address token) external nonReentrant returns (uint256 amount) {
        amount = RfqEscrow.payOwed(_owed, msg.sender, token);
        _emitClaimed(msg.sender, token, amount);
    }

    /// @inheritdoc ISettlement
    function recover(address portfolio, address token) external onlyOwner nonReentrant returns (uint256 amount) {
        amount = RfqEscrow.payOwed(_owed, portfolio, token);
        _emitRecovered(portfolio, token, amount);
    }

    /// @inheritdoc ISettlement
    function owed(address counterparty, address token) external view returns (uint256) {
        return _owed[counterparty][token];
    }

    function _settleAtomic(
        RebalanceInstructionLib.RebalanceInstruction calldata instruction,
        address keeper
    ) private returns (bool) {
        (Context memory ctx, bool admitted) = _admit(instruction, keeper, true);
        if (!admitted) return false;
        bytes32 id = instruction.id;
        uint256[] memory amountsOut = _executeLegs(instruction, ctx);

        uint256[] memory post = IPortfolioVault(ctx.portfolio).balances();
        (PostTradeChecks.Breach memory breach, uint256 postNav) = _postTrade(ctx, post, instruction.targetWeights);
        if (breach.check != Check.None) {
            revert Settlement__PostTradeCheckFailed(breach.check, breach.asset, breach.observed, breach.limit);
        }
        // Admission reserved the worst case; the measured loss can exceed it only by rounding, and
        // the budget is a hard cap.
        uint256 loss = _lossFraction(ctx.preNav, postNav);
        if (ctx.lossUsed + loss > _policies[ctx.portfolio].lossBudget) {
            revert Settlement__PostTradeCheckFailed(
                Check.LossBudget,
                PostTradeChecks.PORTFOLIO,
                ctx.lossUsed + loss,
                _policies[ctx.portfolio].lossBudget
            );
        }
        _chargeLoss(ctx, loss);
        _emitFinalized(id, ctx.portfolio, ctx.preNav, postNav, post, amountsOut);
        return true;
    }

    /// @dev Each leg, in order: the vault pays the sell amount to the venue's funding address, the
    /// venue swaps to the vault, and the vault's balance gain (not the venue's word) is checked against
    /// the limit. Paying leg by leg lets a sell's measured proceeds fund a later buy. The gain is
    /// measured from the vault's running balance: the pre-trade snapshot less what each leg paid, then
    /// each leg's own reading after its swap. Nothing but payments and swaps moves the vault's assets
    /// here, so this is the balance a fresh read would give; a deviation could only lower the measured
    /// gain (a stricter check), and the post-trade checks read the vault again.
    function _executeLegs(
        RebalanceInstructionLib.RebalanceInstruction calldata instruction,
        Context memory ctx
    ) private returns (uint256[] memory amountsOut) {
        RebalanceInstructionLib.Leg[] calldata legs = instruction.legs;
        uint256 n = legs.length;
        address portfolio = ctx.portfolio;
        // The pre-trade snapshot has served its purpose (pre-trade NAV and weights are computed), so
        // it becomes the running balance.
        uint256[] memory balances = ctx.preBalances;
        amountsOut = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            RebalanceInstructionLib.Leg calldata leg = legs[i];
            (uint256 s, uint256 b) = (ctx.sellIndex[i], ctx.buyIndex[i]);
            uint256 amountIn = leg.amountIn;
            if (balances[s] < amountIn) revert Settlement__InsufficientBalance(i, leg.sellToken, balances[s], amountIn);
            balances[s] -= amountIn;
            uint256 balance = _swapLeg(leg, portfolio);
            uint256 got = balance > balances[b] ? balance - balances[b] : 0;
            if (got < leg.minAmountOut) revert Settlement__LegBelowLimit(i, got, leg.minAmountOut);
            balances[b] = balance;
            amountsOut[i] = got;
        }
    }

    /// @dev Has the vault pay the leg's sell amount to the venue's funding address, swaps into the
    /// vault and returns the vault's balance of the buy token afterwards.
    function _swapLeg(RebalanceInstructionLib.Leg calldata leg, address portfolio) private returns (uint256) {
        (address sell, address buy, uint256 amountIn) = (leg.sellToken, leg.buyToken, leg.amountIn);
        IVenueAdapter venue = IVenueAdapter(leg.venue);
        IPortfolioVault(portfolio).pay(sell, venue.fundingAddress(sell, buy), amountIn);
        venue.swap(sell, buy, amountIn, leg.minAmountOut, portfolio);
        return IERC20(buy).balanceOf(portfolio);
    }

    function _lockTwoStep(
        RebalanceInstructionLib.RebalanceInstruction calldata instruction,
        address keeper
    ) private returns (bool) {
        (Context memory ctx, bool admitted) = _admit(instruction, keeper, false);
        if (!admitted) return false;
        bytes32 id = instruction.id;
        _status[id] = Status.PendingFinality;
        _setPending(ctx.portfolio, id);
        RfqEscrow.open(_pending[id], instruction, ctx.preBalances);
        // The fills are exactly the limits, so the worst case is what the instruction costs at lock
        // prices; it is charged now and not refunded on rollback (a conservative budget).
        _chargeLoss(ctx, ctx.worstLoss);

        (address[] memory tokens, uint256[] memory amounts) = RfqEscrow.fund(instruction);
        emit EscrowLocked(id, ctx.portfolio, tokens, amounts);
        _recordAudit(EscrowLocked.selector, keccak256(abi.encode(id, ctx.portfolio, tokens, amounts)));
        emit PendingFinality(id, instruction.deadline);
        return true;
    }

    /// @dev Returns every escrowed sell amount to the vault and every RFQ deposit to its counterparty.
    function _unwind(bytes32 id, RfqEscrow.Pending storage p, RollbackReason reason) private {
        address portfolio = p.portfolio;
        _status[id] = Status.RolledBack;
        _clearPending(portfolio);
        (address[] memory tokens, uint256[] memory amounts) = RfqEscrow.sells(p);
        _emitRolledBack(id, portfolio, reason, tokens, amounts);
        _owe(RfqEscrow.payOut(p, false));
    }

    /// @dev Records the payments the tokens refused as owed: makers {claim} them, governance
    /// {recover}s what is owed to a vault.
    function _owe(RfqEscrow.Payment[] memory refused) private {
        uint256 n = refused.length;
        for (uint256 i; i < n; ++i) {
            RfqEscrow.Payment memory payment = refused[i];
            _owed[payment.recipient][payment.token] += payment.amount;
            _emitDeferred(payment.recipient, payment.token, payment.amount);
        }
    }

    function _requirePending(bytes32 id) private view returns (RfqEscrow.Pending storage p) {
        Status status = _status[id];
        if (status != Status.PendingFinality) revert Settlement__NotPending(id, status);
        return _pending[id];
    }
}
