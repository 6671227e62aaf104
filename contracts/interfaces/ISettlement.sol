// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IAudited} from "./IAudited.sol";
import {IGuardianPausable} from "./IGuardianPausable.sol";
import {RebalanceInstructionLib} from "../libraries/RebalanceInstructionLib.sol";

/// @title ISettlement
/// @notice Settles keeper rebalance instructions against a {IPortfolioVault}: escrow, venue legs,
/// post-trade checks, then finality or an exact rollback. Every lifecycle step is an event; the
/// audited ones extend the contract's audit hash chain.
/// @dev Lifecycle of an instruction id (see docs/settlement.md):
/// ```
///   None ──issue──► Issued ──lock──► PendingFinality ──finalize──► Finalized
///                     │                    │
///                     │ pre-trade breach   │ leg failure / deadline / post-trade breach
///                     ▼                    ▼
///                 RolledBack ◄─────────────┘
/// ```
/// `Issued` is never stored: issue and lock happen in the same call on both paths. The atomic path
/// ({settle}) walks Issued → PendingFinality → Finalized inside one transaction and reverts as a
/// whole on any leg or post-trade failure, so nothing moves. The two-step RFQ path ({lock}, {fill},
/// {finalize}, {rollback}) stores PendingFinality between transactions.
interface ISettlement is IAudited, IGuardianPausable {
    /// @notice Stored status of an instruction id.
    enum Status {
        None,
        PendingFinality,
        Finalized,
        RolledBack
    }

    /// @notice Which post-trade or pre-trade check a breach refers to.
    enum Check {
        None,
        NavLoss,
        PositionWeight,
        WeightTolerance,
        Turnover,
        /// @dev The instruction's worst-case loss would exceed the portfolio's rolling loss budget.
        LossBudget,
        /// @dev The instruction came sooner than the portfolio's minimum interval after the last one.
        Pacing
    }

    /// @notice A portfolio's governance limits beyond the registry's per-instruction ones.
    /// @dev Enzyme's cumulative-slippage policy, per portfolio: the oracle-valued NAV loss charged to a
    /// portfolio (a WAD fraction of its NAV at each instruction) may total at most `lossBudget`, and the
    /// charge refills linearly, `lossBudget` per `lossWindow` seconds. An unset policy (zero budget)
    /// admits only instructions that cannot lose value, so an unconfigured portfolio fails closed.
    struct PortfolioPolicy {
        /// @dev Largest cumulative loss, WAD fraction of NAV (1e16 = 1 %).
        uint64 lossBudget;
        /// @dev Seconds over which a fully used budget refills; at least 1.
        uint32 lossWindow;
        /// @dev Least number of seconds between two admitted instructions of the portfolio.
        uint32 minInterval;
    }

    /// @notice Why escrow went back to the vault.
    enum RollbackReason {
        Expired,
        Cancelled,
        ConstraintBreached
    }

    /// @notice The optimiser's result that this instruction carries out (audited).
    /// @param targetWeights 1e18 fixed point, in the vault's asset order.
    event PortfolioOptimized(
        bytes32 indexed id,
        address indexed portfolio,
        uint256[] targetWeights,
        bytes32 inputsHash,
        bytes32 optimiserBuildHash
    );

    /// @notice A keeper's instruction was accepted (audited).
    /// @param instructionHash EIP-712 struct hash of the instruction.
    event RebalanceInstructionIssued(
        bytes32 indexed id,
        address indexed portfolio,
        address indexed keeper,
        bytes32 instructionHash,
        uint256 nonce,
        uint64 deadline
    );

    /// @notice Sell amounts moved from the vault into escrow, one entry per leg (audited).
    event EscrowLocked(bytes32 indexed id, address indexed portfolio, address[] tokens, uint256[] amounts);

    /// @notice The instruction awaits its legs and finalisation until `deadline`.
    event PendingFinality(bytes32 indexed id, uint64 deadline);

    /// @notice An RFQ counterparty escrowed `amountOut` of the leg's buy token.
    event LegFilled(bytes32 indexed id, uint256 leg, address indexed counterparty, uint256 amountOut);

    /// @notice All legs settled and post-trade checks passed (audited).
    /// @param navBefore Pre-trade NAV, WAD quote currency. @param navAfter Post-trade NAV, WAD.
    /// @param holdings The vault's balances after settlement, in asset order.
    /// @param amountsOut What each leg delivered to the vault (measured, not reported), in leg order.
    /// @dev One audited event carries every leg's outcome: ~2k gas per leg cheaper than a log per leg.
    event SettlementFinalized(
        bytes32 indexed id,
        address indexed portfolio,
        uint256 navBefore,
        uint256 navAfter,
        uint256[] holdings,
        uint256[] amountsOut
    );

    /// @notice Escrow returned to the vault exactly, and RFQ fills to their counterparties (audited).
    event RolledBack(
        bytes32 indexed id,
        address indexed portfolio,
        RollbackReason reason,
        address[] tokens,
        uint256[] amounts
    );

    /// @notice A pre-trade risk threshold or RFQ post-trade check failed; the portfolio halts
    /// ({PortfolioHalted}) until governance resumes it (audited).
    /// @param asset Index of the offending asset, or `type(uint256).max` for portfolio-wide checks.
    event ConstraintBreached(
        bytes32 indexed id,
        address indexed portfolio,
        Check check,
        uint256 asset,
        uint256 observed,
        uint256 limit
    );

    /// @notice A payment failed (e.g. the token blocks the recipient) and waits for {claim} (a maker) or
    /// {recover} (a portfolio) (audited).
    event PaymentDeferred(address indexed counterparty, address indexed token, uint256 amount);

    /// @notice A counterparty collected a deferred payment (audited).
    event PaymentClaimed(address indexed counterparty, address indexed token, uint256 amount);

    /// @notice Governance allowed or disallowed a portfolio vault (audited).
    event PortfolioSet(address indexed portfolio, bool allowed);

    /// @notice Governance allowed or disallowed a venue adapter (audited).
    event VenueSet(address indexed venue, bool allowed);

    /// @notice Governance allowed or disallowed an RFQ market maker (audited).
    event MakerSet(address indexed maker, bool allowed);

    /// @notice Governance set a portfolio's loss budget and pacing (audited).
    event PortfolioPolicySet(address indexed portfolio, uint64 lossBudget, uint32 lossWindow, uint32 minInterval);

    /// @notice A breach by instruction `id` halted `portfolio` (audited); other portfolios settle on.
    event PortfolioHalted(address indexed portfolio, bytes32 indexed id);

    /// @notice Governance lifted `portfolio`'s halt (audited).
    event PortfolioResumed(address indexed portfolio, bytes32 indexed haltedBy);

    /// @notice Governance had a payment deferred to a portfolio (a transfer back to the vault that the
    /// token refused) paid to the vault after all (audited).
    event PaymentRecovered(address indexed portfolio, address indexed token, uint256 amount);

    /// @notice `counterparty` is owed nothing in `token`: there is nothing to claim or recover.
    error Settlement__NothingOwed(address counterparty, address token);

    /// @notice The caller (or the instruction's signer) is not a registry keeper.
    error Settlement__NotKeeper(address account);

    /// @notice The portfolio is not an allowed vault of this settlement.
    error Settlement__UnknownPortfolio(address portfolio);

    /// @notice An atomic-path leg names a venue that is not an allowed adapter.
    error Settlement__VenueNotAllowed(uint256 leg, address venue);

    /// @notice The instruction was built by another optimiser than the registry pins.
    error Settlement__BuildHashMismatch(bytes32 expected, bytes32 got);

    /// @notice The id was already issued: an instruction settles at most once.
    error Settlement__InstructionExists(bytes32 id, Status status);

    /// @notice Nonces are strictly sequential per portfolio: the next one is `expected`.
    error Settlement__NonceNotNext(address portfolio, uint256 nonce, uint256 expected);

    /// @notice The deadline has passed.
    error Settlement__Expired(uint64 deadline, uint256 timestamp);

    /// @notice The portfolio is halted (by instruction `breachedId`) until governance resumes it.
    error Settlement__PortfolioHalted(address portfolio, bytes32 breachedId);

    /// @notice The portfolio is not halted.
    error Settlement__PortfolioNotHalted(address portfolio);

    /// @notice The model registry is paused: no instruction is admitted.
    error Settlement__RegistryPaused();

    /// @notice A leg's limit is worth less at oracle prices than its input less the per-leg slippage
    /// limit. Values are WAD quote currency.
    error Settlement__LimitBelowOracleFloor(uint256 leg, uint256 floor, uint256 value);

    /// @notice When leg `leg` runs, the vault holds only `available` of the `amountIn` it sells.
    error Settlement__InsufficientBalance(uint256 leg, address token, uint256 available, uint256 amountIn);

    /// @notice An RFQ leg names a counterparty that is not an allowed market maker.
    error Settlement__MakerNotAllowed(uint256 leg, address maker);

    /// @notice An RFQ fill must deposit exactly the leg's `minAmountOut`.
    error Settlement__FillAmount(uint256 leg, uint256 amountOut, uint256 expected);

    /// @notice Only a keeper or one of the instruction's makers may finalise it.
    error Settlement__NotFinalizer(bytes32 id, address caller);

    /// @notice `lossWindow` must be at least one second.
    error Settlement__InvalidPolicy(uint64 lossBudget, uint32 lossWindow);

    /// @notice The instruction has no legs or more than the maximum.
    error Settlement__LegCount(uint256 legs, uint256 max);

    /// @notice A leg sells nothing or sells and buys the same token.
    error Settlement__InvalidLeg(uint256 leg);

    /// @notice A leg trades a token outside the vault's asset list.
    error Settlement__LegNotInUniverse(uint256 leg, address token);

    /// @notice `targetWeights` must list one weight per vault asset.
    error Settlement__TargetsLength(uint256 got, uint256 assets);

    /// @notice `targetWeights` must sum to 1e18.
    error Settlement__TargetsSum(uint256 sum);

    /// @notice A token delivered less than was sent: fee-on-transfer tokens are refused.
    error Settlement__FeeOnTransfer(address token, uint256 expected, uint256 received);

    /// @notice A leg delivered less than its limit.
    error Settlement__LegBelowLimit(uint256 leg, uint256 got, uint256 min);

    /// @notice A post-trade check failed on the atomic path; the whole transaction reverts.
    error Settlement__PostTradeCheckFailed(Check check, uint256 asset, uint256 observed, uint256 limit);

    /// @notice The instruction is not pending finality.
    error Settlement__NotPending(bytes32 id, Status status);

    /// @notice The leg index does not exist.
    error Settlement__LegOutOfRange(bytes32 id, uint256 leg);

    /// @notice The leg was already filled.
    error Settlement__LegAlreadyFilled(bytes32 id, uint256 leg);

    /// @notice The leg is reserved for another counterparty.
    error Settlement__NotCounterparty(uint256 leg, address caller, address expected);

    /// @notice Finalisation needs every leg filled.
    error Settlement__LegsUnfilled(bytes32 id, uint256 filled, uint256 legs);

    /// @notice Before the deadline only a keeper, the guardian or governance may roll back.
    error Settlement__RollbackTooEarly(bytes32 id, uint64 deadline);

    /// @notice The portfolio already has a pending two-step instruction.
    error Settlement__PortfolioBusy(address portfolio, bytes32 pendingId);

    /// @notice A zero address where one is required.
    error Settlement__ZeroAddress();

    /// @notice The portfolio's NAV is zero: weights are undefined.
    error Settlement__ZeroNav(address portfolio);

    /// @notice Issues, executes every leg through its venue adapter, checks and finalises in one
    /// transaction; the caller must be a keeper. Legs run in order, each paid from the vault's balance
    /// as the earlier legs left it, so sells listed first fund the buys after them with their measured
    /// proceeds: a fully invested portfolio rotates in one transaction.
    /// @return finalized False when a pre-trade risk threshold halted the settlement (nothing moved).
    function settle(
        RebalanceInstructionLib.RebalanceInstruction calldata instruction
    ) external returns (bool finalized);

    /// @notice {settle} for an instruction signed (EIP-712, type `RebalanceInstruction`) by a keeper;
    /// anyone may relay it.
    function settleSigned(
        RebalanceInstructionLib.RebalanceInstruction calldata instruction,
        bytes calldata signature
    ) external returns (bool finalized);

    /// @notice Issues and escrows a two-step (RFQ) instruction; the caller must be a keeper.
    /// @return locked False when a pre-trade risk threshold halted the settlement (nothing moved).
    function lock(RebalanceInstructionLib.RebalanceInstruction calldata instruction) external returns (bool locked);

    /// @notice {lock} for an instruction signed (EIP-712, type `RfqRebalanceInstruction`, same fields
    /// as `RebalanceInstruction`, digest computed off-chain) by a keeper; anyone may relay it. The
    /// type differs from {settleSigned}'s, so a signature for one path never admits the instruction on
    /// the other.
    function lockSigned(
        RebalanceInstructionLib.RebalanceInstruction calldata instruction,
        bytes calldata signature
    ) external returns (bool locked);

    /// @notice The leg's maker escrows exactly `amountOut` = the leg's `minAmountOut` of its buy token.
    /// @dev The maker must be allowed ({MakerSet}) and have approved this contract. Its sell-token
    /// proceeds are paid on {finalize}; on rollback its deposit comes back.
    function fill(bytes32 id, uint256 leg, uint256 amountOut) external;

    /// @notice Runs the post-trade checks on a fully filled instruction and swaps atomically: buy
    /// amounts to the vault, sell amounts to counterparties. On a failed check it rolls back instead,
    /// halts that portfolio and records {ConstraintBreached}; it does not revert. Callable by a keeper
    /// or one of the instruction's makers.
    /// @return finalized Whether the instruction finalised.
    function finalize(bytes32 id) external returns (bool finalized);

    /// @notice Returns escrow to the vault and fills to their counterparties. Anyone may call after
    /// the deadline; a keeper, the guardian or governance before it.
    function rollback(bytes32 id) external;

    /// @notice Pays the caller its deferred counterparty payments in `token`.
    /// @dev Counterparty payments are pushed, and deferred instead of reverting when the push fails, so
    /// that one counterparty the token refuses cannot block a finalisation or a rollback. Reverts with
    /// {Settlement__NothingOwed} when nothing is owed.
    function claim(address token) external returns (uint256 amount);

    /// @notice Pays `portfolio` what it is owed in `token` (a transfer back to the vault that the token
    /// refused, e.g. while paused), once the token lets it through (governance). The amount only ever
    /// goes home: governance withdraws from the vault as usual if it must go elsewhere. Reverts with
    /// {Settlement__NothingOwed} when nothing is owed.
    function recover(address portfolio, address token) external returns (uint256 amount);

    /// @notice Lifts `portfolio`'s halt (governance).
    function resume(address portfolio) external;

    /// @notice Allows or disallows an RFQ market maker (governance).
    function setMaker(address maker, bool allowed) external;

    /// @notice Sets `portfolio`'s loss budget and pacing (governance).
    function setPortfolioPolicy(address portfolio, PortfolioPolicy calldata policy) external;

    /// @notice `portfolio`'s loss budget and pacing.
    function portfolioPolicy(address portfolio) external view returns (PortfolioPolicy memory);

    /// @notice The part of `portfolio`'s loss budget in use now (WAD fraction of NAV), after refill.
    function lossUsed(address portfolio) external view returns (uint256);

    /// @notice Deferred payments owed to `counterparty` in `token`.
    function owed(address counterparty, address token) external view returns (uint256);

    /// @notice Stored status of `id`: that of a two-step (RFQ) instruction, or `RolledBack` for one
    /// refused at admission. An instruction settled atomically ({settle}, {settleSigned}) leaves no
    /// per-id record (a fresh slot per rebalance would cost 22k gas): it reads `None` here, its
    /// {SettlementFinalized} event is its record, and {lastInstructionId} names it until its
    /// portfolio's next instruction.
    function statusOf(bytes32 id) external view returns (Status);

    /// @notice The id of `portfolio`'s last admitted instruction, on either path and whatever its
    /// outcome; `bytes32(0)` before its first. Admission refuses that id again
    /// (`Settlement__InstructionExists`), so a keeper retrying inputs another keeper already settled is
    /// refused whatever nonce it signs; the two-step path also refuses every id {statusOf} holds. Its
    /// status is {statusOf} when stored, else `Finalized` (settled atomically).
    function lastInstructionId(address portfolio) external view returns (bytes32);

    /// @notice The last nonce used by `portfolio`; the next instruction needs a larger one.
    function lastNonce(address portfolio) external view returns (uint256);

    /// @notice The portfolio's pending two-step instruction id, or zero.
    function pendingOf(address portfolio) external view returns (bytes32);

    /// @notice The id whose breach halted `portfolio`, or zero; cleared by {resume}.
    function haltedBy(address portfolio) external view returns (bytes32);

    /// @notice EIP-712 digest a keeper signs for `instruction` on the atomic path ({settleSigned}).
    function hashTypedInstruction(
        RebalanceInstructionLib.RebalanceInstruction calldata instruction
    ) external view returns (bytes32);
}
