// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IModelRegistry} from "../interfaces/IModelRegistry.sol";
import {IPortfolioVault} from "../interfaces/IPortfolioVault.sol";
import {ISettlement} from "../interfaces/ISettlement.sol";
import {IPriceOracle} from "../interfaces/IPriceOracle.sol";
import {IVenueAdapter} from "../interfaces/IVenueAdapter.sol";
import {RebalanceInstructionLib} from "../libraries/RebalanceInstructionLib.sol";
import {PostTradeChecks} from "../libraries/PostTradeChecks.sol";
import {SettlementCore} from "./SettlementCore.sol";

/// @title Settlement
/// @notice Settlement escrow for DAO portfolio rebalances, with an atomic path through venue
/// adapters and a two-step RFQ path for off-chain market makers.
/// @dev State machine of an instruction id (stored: None, PendingFinality, Finalized, RolledBack):
///
///   None → Issued            {settle}/{lock}: keeper, build hash, nonce, id, deadline and shape checked.
///   Issued → RolledBack      a pre-trade risk threshold is exceeded: halt + ConstraintBreached, nothing moves.
///   Issued → PendingFinality sell amounts move vault → escrow (EscrowLocked, PendingFinality).
///   PendingFinality → Finalized
///       atomic: every leg fills at or above its limit and the post-trade checks pass, same transaction;
///       RFQ:    {finalize} after every leg is filled and the post-trade checks pass.
///   PendingFinality → RolledBack
///       atomic: never stored — a failed leg or check reverts the whole transaction;
///       RFQ:    {rollback} (anyone after the deadline; keeper, guardian or governance before) or a failed
///               post-trade check in {finalize} (plus halt + ConstraintBreached). Escrow returns exactly.
///
/// Finalized and RolledBack are terminal; an id never leaves them, and a nonce is consumed at issue.
contract Settlement is SettlementCore, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @dev A two-step instruction between {lock} and {finalize} or {rollback}.
    struct Pending {
        address portfolio;
        uint64 deadline;
        uint32 filled;
        uint256[] targets;
        uint256[] preBalances;
        RebalanceInstructionLib.Leg[] legs;
        address[] counterparties;
        uint256[] amountsOut;
    }

    mapping(bytes32 id => Pending) private _pending;
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
        return _settleAtomic(instruction, _signer(instruction, signature));
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
        return _lockTwoStep(instruction, _signer(instruction, signature));
    }

    /// @inheritdoc ISettlement
    function fill(bytes32 id, uint256 leg, uint256 amountOut) external nonReentrant whenOperational {
        Pending storage p = _requirePending(id);
        if (block.timestamp > p.deadline) revert Settlement__Expired(p.deadline, block.timestamp);
        if (leg >= p.legs.length) revert Settlement__LegOutOfRange(id, leg);
        if (p.counterparties[leg] != address(0)) revert Settlement__LegAlreadyFilled(id, leg);
        RebalanceInstructionLib.Leg storage stored = p.legs[leg];
        address reserved = stored.venue;
        if (reserved != address(0) && reserved != msg.sender) {
            revert Settlement__NotCounterparty(leg, msg.sender, reserved);
        }
        if (amountOut < stored.minAmountOut) revert Settlement__LegBelowLimit(leg, amountOut, stored.minAmountOut);

        p.counterparties[leg] = msg.sender;
        p.amountsOut[leg] = amountOut;
        p.filled += 1;
        emit LegFilled(id, leg, msg.sender, amountOut);

        IERC20 buy = IERC20(stored.buyToken);
        uint256 before = buy.balanceOf(address(this));
        buy.safeTransferFrom(msg.sender, address(this), amountOut);
        uint256 received = buy.balanceOf(address(this)) - before;
        if (received != amountOut) revert Settlement__FeeOnTransfer(address(buy), amountOut, received);
    }

    /// @inheritdoc ISettlement
    function finalize(bytes32 id) external nonReentrant whenOperational returns (bool finalized) {
        Pending storage p = _requirePending(id);
        if (block.timestamp > p.deadline) revert Settlement__Expired(p.deadline, block.timestamp);
        uint256 n = p.legs.length;
        if (p.filled != n) revert Settlement__LegsUnfilled(id, p.filled, n);

        // Price the pre-trade snapshot and the prospective post-trade holdings at today's prices, so
        // market drift since {lock} is not mistaken for execution loss.
        Context memory ctx;
        ctx.portfolio = p.portfolio;
        uint256[] memory post;
        (ctx.assets, post) = IPortfolioVault(ctx.portfolio).holdings();
        ctx.prices = _prices(ctx.assets);
        ctx.preBalances = p.preBalances;
        (ctx.preNav, ctx.preWeights) = PostTradeChecks.weigh(ctx.preBalances, ctx.prices);
        ctx.limits = _limits();
        for (uint256 i; i < n; ++i) {
            post[_indexOf(ctx.assets, p.legs[i].buyToken)] += p.amountsOut[i];
        }
        (PostTradeChecks.Breach memory breach, uint256 postNav) = _postTrade(ctx, post, p.targets);
        if (breach.check != Check.None) {
            _recordBreach(id, ctx.portfolio, breach);
            _unwind(id, p, RollbackReason.ConstraintBreached);
            return false;
        }

        _status[id] = Status.Finalized;
        _clearPending(ctx.portfolio);
        for (uint256 i; i < n; ++i) {
            RebalanceInstructionLib.Leg storage stored = p.legs[i];
            IERC20(stored.buyToken).safeTransfer(ctx.portfolio, p.amountsOut[i]);
            _payCounterparty(p.counterparties[i], stored.sellToken, stored.amountIn);
        }
        uint256[] memory holdings = IPortfolioVault(ctx.portfolio).balances();
        _emitFinalized(id, ctx.portfolio, ctx.preNav, postNav, holdings, p.amountsOut);
        return true;
    }

    /// @inheritdoc ISettlement
    function rollback(bytes32 id) external nonReentrant {
        Pending storage p = _requirePending(id);
        bool expired = block.timestamp > p.deadline;
        if (!expired && !_isGuardianOrOwner(msg.sender) && !_isKeeper(msg.sender)) {
            revert Settlement__RollbackTooEarly(id, p.deadline);
        }
        _unwind(id, p, expired ? RollbackReason.Expired : RollbackReason.Cancelled);
    }

    /// @inheritdoc ISettlement
    function claim(address token) external nonReentrant returns (uint256 amount) {
        amount = _owed[msg.sender][token];
        _owed[msg.sender][token] = 0;
        emit PaymentClaimed(msg.sender, token, amount);
        IERC20(token).safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc ISettlement
    function owed(address counterparty, address token) external view returns (uint256) {
        return _owed[counterparty][token];
    }

    /// @notice Who filled leg `leg` of a two-step instruction, and with how much of its buy token.
    function fillOf(bytes32 id, uint256 leg) external view returns (address counterparty, uint256 amountOut) {
        Pending storage p = _pending[id];
        if (leg >= p.legs.length) revert Settlement__LegOutOfRange(id, leg);
        return (p.counterparties[leg], p.amountsOut[leg]);
    }

    function _settleAtomic(
        RebalanceInstructionLib.RebalanceInstruction calldata instruction,
        address keeper
    ) private returns (bool) {
        (Context memory ctx, bool admitted) = _admit(instruction, keeper, true);
        if (!admitted) return false;
        bytes32 id = instruction.id;
        // Stored once, before any interaction: any later failure reverts this write with the rest.
        _status[id] = Status.Finalized;

        _fundEscrow(instruction, ctx.portfolio);
        emit PendingFinality(id, instruction.deadline);
        uint256[] memory amountsOut = _executeLegs(instruction, ctx);

        uint256[] memory post = IPortfolioVault(ctx.portfolio).balances();
        (PostTradeChecks.Breach memory breach, uint256 postNav) = _postTrade(ctx, post, instruction.targetWeights);
        if (breach.check != Check.None) {
            revert Settlement__PostTradeCheckFailed(breach.check, breach.asset, breach.observed, breach.limit);
        }
        _emitFinalized(id, ctx.portfolio, ctx.preNav, postNav, post, amountsOut);
        return true;
    }

    /// @dev Each leg: escrow pushes the sell amount to the venue's funding address, the venue swaps
    /// to the vault, and the vault's balance gain (not the venue's word) is checked against the limit.
    /// The gain is measured from the vault's balance as this transaction left it: the pre-trade
    /// snapshot less what escrow took, then each leg's own reading after its swap. Nothing but
    /// funding and swaps moves the vault's assets here, so this is the balance a fresh read would
    /// give; a deviation could only lower the measured gain (a stricter check), and the post-trade
    /// checks read the vault again.
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
        for (uint256 i; i < n; ++i) {
            balances[ctx.sellIndex[i]] -= legs[i].amountIn;
        }
        amountsOut = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            RebalanceInstructionLib.Leg calldata leg = legs[i];
            uint256 b = ctx.buyIndex[i];
            uint256 balance = _swapLeg(leg, portfolio);
            uint256 got = balance > balances[b] ? balance - balances[b] : 0;
            if (got < leg.minAmountOut) revert Settlement__LegBelowLimit(i, got, leg.minAmountOut);
            balances[b] = balance;
            amountsOut[i] = got;
        }
    }

    /// @dev Pushes the leg's sell amount to the venue's funding address, swaps into the vault and
    /// returns the vault's balance of the buy token afterwards.
    function _swapLeg(RebalanceInstructionLib.Leg calldata leg, address portfolio) private returns (uint256) {
        (address sell, address buy, uint256 amountIn) = (leg.sellToken, leg.buyToken, leg.amountIn);
        IVenueAdapter venue = IVenueAdapter(leg.venue);
        IERC20(sell).safeTransfer(venue.fundingAddress(sell, buy), amountIn);
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
        uint256 n = instruction.legs.length;
        _status[id] = Status.PendingFinality;
        _setPending(ctx.portfolio, id);
        Pending storage p = _pending[id];
        p.portfolio = ctx.portfolio;
        p.deadline = instruction.deadline;
        p.targets = instruction.targetWeights;
        p.preBalances = ctx.preBalances;
        for (uint256 i; i < n; ++i) {
            p.legs.push(instruction.legs[i]);
        }
        p.counterparties = new address[](n);
        p.amountsOut = new uint256[](n);

        _fundEscrow(instruction, ctx.portfolio);
        emit PendingFinality(id, instruction.deadline);
        return true;
    }

    /// @dev Returns every escrowed sell amount to the vault and every RFQ deposit to its counterparty.
    function _unwind(bytes32 id, Pending storage p, RollbackReason reason) private {
        address portfolio = p.portfolio;
        _status[id] = Status.RolledBack;
        _clearPending(portfolio);
        uint256 n = p.legs.length;
        address[] memory tokens = new address[](n);
        uint256[] memory amounts = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            tokens[i] = p.legs[i].sellToken;
            amounts[i] = p.legs[i].amountIn;
        }
        _emitRolledBack(id, portfolio, reason, tokens, amounts);
        for (uint256 i; i < n; ++i) {
            IERC20(tokens[i]).safeTransfer(portfolio, amounts[i]);
            address counterparty = p.counterparties[i];
            if (counterparty != address(0)) {
                _payCounterparty(counterparty, p.legs[i].buyToken, p.amountsOut[i]);
            }
        }
    }

    /// @dev Escrow to the vault must succeed (it is ours and the token is a vetted asset); a payment to a
    /// counterparty that fails is owed instead, so it cannot hold the vault's escrow hostage.
    function _payCounterparty(address counterparty, address token, uint256 amount) private {
        if (!IERC20(token).trySafeTransfer(counterparty, amount)) {
            _owed[counterparty][token] += amount;
            emit PaymentDeferred(counterparty, token, amount);
        }
    }

    function _requirePending(bytes32 id) private view returns (Pending storage p) {
        Status status = _status[id];
        if (status != Status.PendingFinality) revert Settlement__NotPending(id, status);
        return _pending[id];
    }

    function _indexOf(address[] memory list, address item) private pure returns (uint256 index) {
        index = _assetIndex(list, item);
        // Unreachable: {lock} admitted only legs inside the asset list, and the list is frozen while pending.
        if (index == NOT_FOUND) revert Settlement__LegNotInUniverse(list.length, item);
    }
}
