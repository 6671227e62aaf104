// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {IModelRegistry} from "../interfaces/IModelRegistry.sol";
import {IPortfolioVault} from "../interfaces/IPortfolioVault.sol";
import {ISettlement} from "../interfaces/ISettlement.sol";
import {IPriceOracle} from "../interfaces/IPriceOracle.sol";
import {RebalanceInstructionLib} from "../libraries/RebalanceInstructionLib.sol";
import {PostTradeChecks} from "../libraries/PostTradeChecks.sol";
import {SettlementState} from "./SettlementState.sol";

/// @title SettlementCore
/// @notice What both settlement paths share: admission of an instruction (keeper, build hash,
/// sequential nonce, shape, each leg's oracle floor), pricing, the pre-trade risk, loss-budget and
/// pacing checks, escrow funding and the post-trade checks.
abstract contract SettlementCore is SettlementState, EIP712 {
    using RebalanceInstructionLib for RebalanceInstructionLib.RebalanceInstruction;

    /// @dev Upper bound on legs per instruction (reported by `Settlement__LegCount`); 20 legs settle
    /// well inside one block.
    uint256 internal constant MAX_LEGS = 32;

    /// @dev {_assetIndex} of an address that is not in the list.
    uint256 internal constant NOT_FOUND = type(uint256).max;

    uint256 private constant WAD = 1e18;
    uint256 private constant BPS = 10_000;

    /// @dev Everything an admitted instruction's later steps need, priced once.
    struct Context {
        address portfolio;
        bytes32 instructionHash;
        address[] assets;
        uint256[] preBalances;
        uint256[] prices;
        uint256 preNav;
        uint256[] preWeights;
        PostTradeChecks.Limits limits;
        /// @dev Per leg, the index in `assets` of its sell and its buy token (set on admission).
        uint256[] sellIndex;
        uint256[] buyIndex;
        /// @dev The portfolio's loss budget in use at admission, after refill (WAD fraction of NAV).
        uint256 lossUsed;
        /// @dev The most the instruction can lose if every leg fills at its limit (WAD fraction of NAV).
        uint256 worstLoss;
    }

    IModelRegistry private immutable _REGISTRY;
    IPriceOracle private immutable _ORACLE;

    constructor(
        IModelRegistry registry_,
        IPriceOracle oracle_,
        address governance,
        address guardian_
    ) SettlementState(governance, guardian_) EIP712("PortfolioSettlement", "1") {
        if (address(registry_) == address(0) || address(oracle_) == address(0)) revert Settlement__ZeroAddress();
        _REGISTRY = registry_;
        _ORACLE = oracle_;
    }

    /// @notice The model registry that names keepers, the optimiser build and the limits.
    function registry() external view returns (IModelRegistry) {
        return _REGISTRY;
    }

    /// @notice The price oracle of the risk checks.
    function oracle() external view returns (IPriceOracle) {
        return _ORACLE;
    }

    function _oracleAddress() internal view returns (IPriceOracle) {
        return _ORACLE;
    }

    /// @inheritdoc ISettlement
    function hashTypedInstruction(
        RebalanceInstructionLib.RebalanceInstruction calldata instruction
    ) external view returns (bytes32) {
        return _hashTypedDataV4(instruction.hash(true));
    }

    /// @notice The EIP-712 domain separator keepers sign under.
    // solhint-disable-next-line func-name-mixedcase
    function DOMAIN_SEPARATOR() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    /// @dev The keeper who signed `instruction` for the path `atomic` names; {_admit} checks the role.
    function _signer(
        RebalanceInstructionLib.RebalanceInstruction calldata instruction,
        bytes calldata signature,
        bool atomic
    ) internal view returns (address) {
        return ECDSA.recover(_hashTypedDataV4(instruction.hash(atomic)), signature);
    }

    /// @dev Checks everything that can be checked before a token moves, consumes the nonce, prices
    /// the portfolio and emits the issue events. Reverts on malformed or unauthorised input; returns
    /// `admitted == false` (after halting the portfolio and recording the breach) when a pre-trade
    /// risk threshold, the loss budget or the pacing is exceeded, so the halt persists.
    /// One pass in the documented order of checks: splitting it costs contract size the settlement
    /// does not have.
    // solhint-disable-next-line function-max-lines
    function _admit(
        RebalanceInstructionLib.RebalanceInstruction calldata instruction,
        address keeper,
        bool atomic
    ) internal returns (Context memory ctx, bool admitted) {
        _requireOperational();
        bytes32 id = instruction.id;
        address portfolio = instruction.portfolio;
        IModelRegistry.SettlementTerms memory terms = _REGISTRY.settlementTerms(keeper);
        if (terms.paused) revert Settlement__RegistryPaused();
        if (!terms.isKeeper) revert Settlement__NotKeeper(keeper);
        PortfolioState memory state = _portfolioState[portfolio];
        if (!state.allowed) revert Settlement__UnknownPortfolio(portfolio);
        if (state.halted) revert Settlement__PortfolioHalted(portfolio, _haltCause(portfolio));
        // The last admitted id is refused on both paths; the two-step path also refuses every id it
        // stored, its escrow being keyed by id. Older atomic ids are left to the nonce: a per-id slot
        // would cost every rebalance 22k gas (docs/settlement.md, "Idempotency").
        if (id == _lastInstruction(portfolio)) revert Settlement__InstructionExists(id, _statusOfLast(id));
        if (!atomic && _status[id] != Status.None) revert Settlement__InstructionExists(id, _status[id]);
        uint256 nonce = instruction.nonce;
        if (nonce != uint256(state.lastNonce) + 1) {
            revert Settlement__NonceNotNext(portfolio, nonce, uint256(state.lastNonce) + 1);
        }
        if (block.timestamp > instruction.deadline) revert Settlement__Expired(instruction.deadline, block.timestamp);
        if (instruction.optimiserBuildHash != terms.optimizerBuildHash) {
            revert Settlement__BuildHashMismatch(terms.optimizerBuildHash, instruction.optimiserBuildHash);
        }
        if (state.busy) revert Settlement__PortfolioBusy(portfolio, _pendingIdOf(portfolio));

        ctx.portfolio = portfolio;
        (ctx.assets, ctx.preBalances) = IPortfolioVault(portfolio).holdings();
        (ctx.sellIndex, ctx.buyIndex) = _checkShape(instruction, ctx.assets, atomic);
        ctx.prices = _prices(ctx.assets);
        (ctx.preNav, ctx.preWeights) = PostTradeChecks.weigh(ctx.preBalances, ctx.prices);
        if (ctx.preNav == 0) revert Settlement__ZeroNav(portfolio);
        ctx.limits = _limitsOf(terms);
        ctx.worstLoss = _checkFloors(instruction, ctx, terms.maxSlippageBps);

        PortfolioPolicy memory policy = _policies[portfolio];
        ctx.lossUsed = _refilled(state, policy);
        uint256 previousAt = state.lastAdmittedAt;
        state.lastNonce = uint64(nonce);
        state.lastAdmittedAt = uint40(block.timestamp);
        _portfolioState[portfolio] = state;
        _setLastInstruction(portfolio, id);
        ctx.instructionHash = instruction.hash(atomic);
        _emitIssued(instruction, keeper, ctx.instructionHash);

        PostTradeChecks.Breach memory breach = PostTradeChecks.preTrade(
            instruction.targetWeights,
            ctx.preWeights,
            ctx.limits
        );
        if (breach.check == Check.None && previousAt != 0 && block.timestamp < previousAt + policy.minInterval) {
            uint256 elapsed = block.timestamp - previousAt;
            breach = PostTradeChecks.Breach(Check.Pacing, PostTradeChecks.PORTFOLIO, elapsed, policy.minInterval);
        }
        if (breach.check == Check.None && ctx.lossUsed + ctx.worstLoss > policy.lossBudget) {
            uint256 wanted = ctx.lossUsed + ctx.worstLoss;
            breach = PostTradeChecks.Breach(Check.LossBudget, PostTradeChecks.PORTFOLIO, wanted, policy.lossBudget);
        }
        if (breach.check != Check.None) {
            // An older two-step id re-sent atomically keeps its own record.
            if (_status[id] == Status.None) _status[id] = Status.RolledBack;
            _recordBreach(id, portfolio, breach);
            _emitRolledBack(id, portfolio, RollbackReason.ConstraintBreached, new address[](0), new uint256[](0));
            return (ctx, false);
        }
        return (ctx, true);
    }

    /// @dev The status of a portfolio's last admitted instruction: stored, or `Finalized` when it
    /// settled atomically (which stores none).
    function _statusOfLast(bytes32 id) private view returns (Status) {
        Status status = _status[id];
        return status == Status.None ? Status.Finalized : status;
    }

    /// @dev Each leg's limit, valued at the oracle, must be worth at least its input less the
    /// registry's per-leg slippage limit (up to one unit of the buy token, which a limit computed at
    /// the same prices and rounded down may lack); a keeper cannot choose a looser one. Returns the
    /// instruction's worst-case loss, the sum of (input value − limit value), as a WAD fraction of the
    /// pre-trade NAV rounded up: measured outputs are at least the limits, so no execution loses more.
    function _checkFloors(
        RebalanceInstructionLib.RebalanceInstruction calldata instruction,
        Context memory ctx,
        uint256 maxSlippageBps
    ) private pure returns (uint256 worstLoss) {
        RebalanceInstructionLib.Leg[] calldata legs = instruction.legs;
        uint256 n = legs.length;
        uint256 shortfall;
        for (uint256 i; i < n; ++i) {
            RebalanceInstructionLib.Leg calldata leg = legs[i];
            uint256 inValue = (leg.amountIn * ctx.prices[ctx.sellIndex[i]]) / WAD;
            uint256 buyPrice = ctx.prices[ctx.buyIndex[i]];
            uint256 limitValue = (leg.minAmountOut * buyPrice) / WAD;
            uint256 floor = (inValue * (BPS - maxSlippageBps)) / BPS;
            // A limit is a whole number of buy-token units, rounded down: one unit of slack.
            if (((leg.minAmountOut + 1) * buyPrice) / WAD < floor) {
                revert Settlement__LimitBelowOracleFloor(i, floor, limitValue);
            }
            if (inValue > limitValue) shortfall += inValue - limitValue;
        }
        worstLoss = Math.mulDiv(shortfall, WAD, ctx.preNav, Math.Rounding.Ceil);
    }

    /// @dev Targets: one per asset, summing to exactly 1e18. Legs: 1..MAX_LEGS, each selling a
    /// positive amount of one vault asset for another, through an allowed venue on the atomic path
    /// and from an allowed maker on the RFQ path. Returns each leg's sell and buy asset index.
    function _checkShape(
        RebalanceInstructionLib.RebalanceInstruction calldata instruction,
        address[] memory assets,
        bool atomic
    ) private view returns (uint256[] memory sellIndex, uint256[] memory buyIndex) {
        uint256 n = assets.length;
        uint256[] calldata targets = instruction.targetWeights;
        if (targets.length != n) revert Settlement__TargetsLength(targets.length, n);
        uint256 sum;
        for (uint256 i; i < n; ++i) {
            sum += targets[i];
        }
        if (sum != 1e18) revert Settlement__TargetsSum(sum);

        RebalanceInstructionLib.Leg[] calldata legs = instruction.legs;
        uint256 legCount = legs.length;
        if (legCount == 0 || legCount > MAX_LEGS) revert Settlement__LegCount(legCount, MAX_LEGS);
        sellIndex = new uint256[](legCount);
        buyIndex = new uint256[](legCount);
        for (uint256 i; i < legCount; ++i) {
            (sellIndex[i], buyIndex[i]) = _checkLeg(legs[i], i, assets, atomic);
        }
    }

    /// @dev One leg of {_checkShape}; returns its sell and buy asset index.
    function _checkLeg(
        RebalanceInstructionLib.Leg calldata leg,
        uint256 i,
        address[] memory assets,
        bool atomic
    ) private view returns (uint256 sellIndex, uint256 buyIndex) {
        (address sell, address buy) = (leg.sellToken, leg.buyToken);
        if (leg.amountIn == 0 || sell == buy) revert Settlement__InvalidLeg(i);
        sellIndex = _assetIndex(assets, sell);
        if (sellIndex == NOT_FOUND) revert Settlement__LegNotInUniverse(i, sell);
        buyIndex = _assetIndex(assets, buy);
        if (buyIndex == NOT_FOUND) revert Settlement__LegNotInUniverse(i, buy);
        if (atomic) {
            if (!_venues[leg.venue]) revert Settlement__VenueNotAllowed(i, leg.venue);
        } else if (!_makers[leg.venue]) {
            revert Settlement__MakerNotAllowed(i, leg.venue);
        }
    }

    /// @dev Records `fraction` (WAD of NAV) against the portfolio's budget, on top of the part in use
    /// that admission found. Admission kept the sum within the budget, which fits 64 bits.
    function _chargeLoss(Context memory ctx, uint256 fraction) internal {
        PortfolioState storage state = _portfolioState[ctx.portfolio];
        state.lossUsed = uint64(ctx.lossUsed + fraction);
        state.lossUpdatedAt = uint40(block.timestamp);
    }

    /// @dev The NAV lost from `preNav` to `postNav` as a WAD fraction of `preNav`, rounded up.
    function _lossFraction(uint256 preNav, uint256 postNav) internal pure returns (uint256) {
        return postNav >= preNav ? 0 : Math.mulDiv(preNav - postNav, WAD, preNav, Math.Rounding.Ceil);
    }

    /// @dev Post-trade checks at `ctx.prices` on the holdings `postBalances`.
    function _postTrade(
        Context memory ctx,
        uint256[] memory postBalances,
        uint256[] memory targets
    ) internal pure returns (PostTradeChecks.Breach memory breach, uint256 postNav) {
        uint256[] memory postWeights;
        (postNav, postWeights) = PostTradeChecks.weigh(postBalances, ctx.prices);
        breach = PostTradeChecks.postTrade(ctx.preNav, ctx.preWeights, postNav, postWeights, targets, ctx.limits);
    }

    function _isKeeper(address account) internal view returns (bool) {
        return _REGISTRY.isKeeper(account);
    }

    /// @dev Every asset priced in one oracle call.
    function _prices(address[] memory assets) internal view returns (uint256[] memory) {
        return _ORACLE.pricesOf(assets);
    }

    /// @dev The registry's current limits (the keeper role is not needed here: `address(0)` is never one).
    function _limits() internal view returns (PostTradeChecks.Limits memory) {
        return _limitsOf(_REGISTRY.settlementTerms(address(0)));
    }

    function _limitsOf(
        IModelRegistry.SettlementTerms memory terms
    ) private pure returns (PostTradeChecks.Limits memory) {
        return
            PostTradeChecks.Limits({
                maxLossBps: terms.maxSlippageBps,
                tolerance: terms.driftThreshold,
                maxPositionWeight: terms.maxPositionWeight,
                maxTurnover: terms.maxTurnover
            });
    }

    /// @dev Position of `item` in `list`, or {NOT_FOUND}.
    function _assetIndex(address[] memory list, address item) internal pure returns (uint256) {
        uint256 n = list.length;
        for (uint256 i; i < n; ++i) {
            if (list[i] == item) return i;
        }
        return NOT_FOUND;
    }
}
