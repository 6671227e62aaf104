// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ISettlement} from "../interfaces/ISettlement.sol";
import {IPortfolioVault} from "../interfaces/IPortfolioVault.sol";
import {IPriceOracle} from "../interfaces/IPriceOracle.sol";
import {PostTradeChecks} from "../libraries/PostTradeChecks.sol";
import {RebalanceInstructionLib} from "../libraries/RebalanceInstructionLib.sol";

/// @title RfqEscrow
/// @notice The two-step (RFQ) path's escrow book: a pending instruction's legs, its makers' fills, and
/// the payments that close it. Runs in the settlement's context (an external library, delegate-called),
/// which keeps the settlement under the 24,576-byte contract size limit.
/// @dev Events are the settlement's own ({ISettlement}); the settlement records the refused payments it
/// gets back as owed and audits them.
library RfqEscrow {
    using SafeERC20 for IERC20;

    /// @notice A two-step instruction between `lock` and `finalize` or `rollback`.
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

    /// @notice A payment a token refused; the settlement owes it instead.
    struct Payment {
        address recipient;
        address token;
        uint256 amount;
    }

    /// @notice Leg `leg` of `p` is filled by the caller, its maker, with exactly its limit.
    /// @param makerAllowed Whether the caller is still an allowed maker (governance may have withdrawn it).
    function fill(Pending storage p, bytes32 id, uint256 leg, uint256 amountOut, bool makerAllowed) external {
        if (block.timestamp > p.deadline) revert ISettlement.Settlement__Expired(p.deadline, block.timestamp);
        if (leg >= p.legs.length) revert ISettlement.Settlement__LegOutOfRange(id, leg);
        if (p.counterparties[leg] != address(0)) revert ISettlement.Settlement__LegAlreadyFilled(id, leg);
        RebalanceInstructionLib.Leg storage stored = p.legs[leg];
        address reserved = stored.venue;
        if (reserved != msg.sender) revert ISettlement.Settlement__NotCounterparty(leg, msg.sender, reserved);
        if (!makerAllowed) revert ISettlement.Settlement__MakerNotAllowed(leg, msg.sender);
        // Exactly the limit: an overfill would move the portfolio past its targets and fail the checks.
        uint256 expected = stored.minAmountOut;
        if (amountOut != expected) revert ISettlement.Settlement__FillAmount(leg, amountOut, expected);

        p.counterparties[leg] = msg.sender;
        p.amountsOut[leg] = amountOut;
        p.filled += 1;
        emit ISettlement.LegFilled(id, leg, msg.sender, amountOut);

        IERC20 buy = IERC20(stored.buyToken);
        uint256 before = buy.balanceOf(address(this));
        buy.safeTransferFrom(msg.sender, address(this), amountOut);
        uint256 received = buy.balanceOf(address(this)) - before;
        if (received != amountOut) revert ISettlement.Settlement__FeeOnTransfer(address(buy), amountOut, received);
    }

    /// @notice Pays `counterparty` everything it is owed in `token` (a payment a token refused
    /// earlier) and clears the debt first. Nothing owed is refused, so that no caller can add empty
    /// entries to the settlement's audit chain.
    function payOwed(
        mapping(address => mapping(address => uint256)) storage owed,
        address counterparty,
        address token
    ) external returns (uint256 amount) {
        amount = owed[counterparty][token];
        if (amount == 0) revert ISettlement.Settlement__NothingOwed(counterparty, token);
        owed[counterparty][token] = 0;
        IERC20(token).safeTransfer(counterparty, amount);
    }

    /// @notice Closes `p`'s escrow. Finalised: each fill to the vault, each sell amount to its maker.
    /// Rolled back: each sell amount to the vault, each fill to its maker. A payment the token refuses
    /// (a blocked maker, a paused token, a vault the token blocks) is returned in `refused` instead of
    /// reverting, so no recipient can hold the instruction, or the vault, hostage.
    function payOut(Pending storage p, bool finalized) external returns (Payment[] memory refused) {
        uint256 n = p.legs.length;
        address portfolio = p.portfolio;
        Payment[] memory failed = new Payment[](2 * n);
        uint256 count;
        for (uint256 i; i < n; ++i) {
            RebalanceInstructionLib.Leg storage leg = p.legs[i];
            address maker = p.counterparties[i];
            (address toVault, uint256 vaultAmount) = finalized
                ? (leg.buyToken, p.amountsOut[i])
                : (leg.sellToken, leg.amountIn);
            if (vaultAmount != 0 && !IERC20(toVault).trySafeTransfer(portfolio, vaultAmount)) {
                failed[count++] = Payment(portfolio, toVault, vaultAmount);
            }
            if (maker == address(0)) continue;
            (address toMaker, uint256 makerAmount) = finalized
                ? (leg.sellToken, leg.amountIn)
                : (leg.buyToken, p.amountsOut[i]);
            if (!IERC20(toMaker).trySafeTransfer(maker, makerAmount)) {
                failed[count++] = Payment(maker, toMaker, makerAmount);
            }
        }
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(failed, count)
        }
        return failed;
    }

    /// @notice Stores `instruction` as pending in `p`, with the vault's pre-trade balances.
    function open(
        Pending storage p,
        RebalanceInstructionLib.RebalanceInstruction calldata instruction,
        uint256[] calldata preBalances
    ) external {
        uint256 n = instruction.legs.length;
        p.portfolio = instruction.portfolio;
        p.deadline = instruction.deadline;
        p.targets = instruction.targetWeights;
        p.preBalances = preBalances;
        for (uint256 i; i < n; ++i) {
            p.legs.push(instruction.legs[i]);
        }
        p.counterparties = new address[](n);
        p.amountsOut = new uint256[](n);
    }

    /// @notice Moves every leg's sell amount of `instruction` from the vault into escrow (the
    /// settlement, whose context this runs in) in one vault call, one transfer per distinct sell token
    /// (legs selling the same token share it), and refuses fee-on-transfer tokens: the escrow must gain
    /// exactly the sum sold of each token. Returns every leg's token and amount, for the settlement's
    /// `EscrowLocked`.
    function fund(
        RebalanceInstructionLib.RebalanceInstruction calldata instruction
    ) external returns (address[] memory tokens, uint256[] memory amounts) {
        RebalanceInstructionLib.Leg[] calldata legs = instruction.legs;
        uint256 n = legs.length;
        tokens = new address[](n);
        amounts = new uint256[](n);
        address[] memory distinct = new address[](n);
        uint256[] memory sums = new uint256[](n);
        uint256 d;
        for (uint256 i; i < n; ++i) {
            RebalanceInstructionLib.Leg calldata leg = legs[i];
            (address token, uint256 amount) = (leg.sellToken, leg.amountIn);
            tokens[i] = token;
            amounts[i] = amount;
            uint256 j;
            while (j < d && distinct[j] != token) ++j;
            if (j == d) {
                distinct[d] = token;
                ++d;
            }
            sums[j] += amount;
        }
        // Shortened in place to the `d` distinct tokens (d ≤ n, so the words past d stay allocated
        // and unused) instead of copied into fresh arrays.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(distinct, d)
            mstore(sums, d)
        }
        uint256[] memory before = new uint256[](d);
        for (uint256 j; j < d; ++j) {
            before[j] = IERC20(distinct[j]).balanceOf(address(this));
        }
        IPortfolioVault(instruction.portfolio).fundEscrow(distinct, sums);
        for (uint256 j; j < d; ++j) {
            address token = distinct[j];
            uint256 received = IERC20(token).balanceOf(address(this)) - before[j];
            if (received != sums[j]) revert ISettlement.Settlement__FeeOnTransfer(token, sums[j], received);
        }
    }

    /// @notice Adds each leg's fill to `balances` (in `assets` order): the holdings a finalisation
    /// would leave.
    function addFills(Pending storage p, address[] memory assets, uint256[] memory balances) internal view {
        uint256 n = p.legs.length;
        for (uint256 i; i < n; ++i) {
            address buy = p.legs[i].buyToken;
            uint256 j;
            // Always found: `lock` admitted only legs inside the asset list, frozen while pending.
            while (assets[j] != buy) ++j;
            balances[j] += p.amountsOut[i];
        }
    }

    /// @notice Each leg's sell token and amount, in leg order.
    function sells(Pending storage p) external view returns (address[] memory tokens, uint256[] memory amounts) {
        uint256 n = p.legs.length;
        tokens = new address[](n);
        amounts = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            tokens[i] = p.legs[i].sellToken;
            amounts[i] = p.legs[i].amountIn;
        }
    }

    /// @notice Whether `account` is the maker of one of `p`'s legs.
    function isMakerOf(Pending storage p, address account) external view returns (bool) {
        uint256 n = p.legs.length;
        for (uint256 i; i < n; ++i) {
            if (p.legs[i].venue == account) return true;
        }
        return false;
    }

    /// @notice The post-trade checks of finalising `p` now: the pre-trade snapshot and the holdings the
    /// fills would leave, both priced at today's oracle prices, so that market drift since `lock` is not
    /// mistaken for execution loss.
    function check(
        Pending storage p,
        IPriceOracle oracle,
        PostTradeChecks.Limits calldata limits
    ) external view returns (PostTradeChecks.Breach memory breach, uint256 preNav, uint256 postNav) {
        (address[] memory assets, uint256[] memory post) = IPortfolioVault(p.portfolio).holdings();
        uint256[] memory prices = oracle.pricesOf(assets);
        uint256[] memory preWeights;
        (preNav, preWeights) = PostTradeChecks.weigh(p.preBalances, prices);
        addFills(p, assets, post);
        uint256[] memory postWeights;
        (postNav, postWeights) = PostTradeChecks.weigh(post, prices);
        breach = PostTradeChecks.postTrade(preNav, preWeights, postNav, postWeights, p.targets, limits);
    }
}
