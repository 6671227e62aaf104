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
        Turnover
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

    /// @notice A pre-trade risk threshold or post-trade check failed; the settlement halts: it pauses
    /// itself (`Paused(address(this))`) until governance unpauses (audited).
    /// @param asset Index of the offending asset, or `type(uint256).max` for portfolio-wide checks.
    event ConstraintBreached(
        bytes32 indexed id,
        address indexed portfolio,
        Check check,
        uint256 asset,
        uint256 observed,
        uint256 limit
    );

    /// @notice A payment to an RFQ counterparty failed (e.g. the token blocks it) and waits for {claim}.
    event PaymentDeferred(address indexed counterparty, address indexed token, uint256 amount);

    /// @notice A counterparty collected a deferred payment.
    event PaymentClaimed(address indexed counterparty, address indexed token, uint256 amount);

    /// @notice Governance allowed or disallowed a portfolio vault.
    event PortfolioSet(address indexed portfolio, bool allowed);

    /// @notice Governance allowed or disallowed a venue adapter.
    event VenueSet(address indexed venue, bool allowed);

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

    /// @notice The nonce is not above the portfolio's last used nonce.
    error Settlement__StaleNonce(address portfolio, uint256 nonce, uint256 lastNonce);

    /// @notice The nonce does not fit the 240 bits the settlement stores per portfolio.
    error Settlement__NonceTooLarge(uint256 nonce, uint256 max);

    /// @notice The deadline has passed.
    error Settlement__Expired(uint64 deadline, uint256 timestamp);

    /// @notice An automatic halt (after instruction `breachedId`) holds until governance unpauses.
    error Settlement__IsHalted(bytes32 breachedId);

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

    /// @notice Issues, escrows, executes every leg through its venue adapter, checks and finalises
    /// in one transaction; the caller must be a keeper.
    /// @return finalized False when a pre-trade risk threshold halted the settlement (nothing moved).
    function settle(
        RebalanceInstructionLib.RebalanceInstruction calldata instruction
    ) external returns (bool finalized);

    /// @notice {settle} for an instruction signed (EIP-712) by a keeper; anyone may relay it.
    function settleSigned(
        RebalanceInstructionLib.RebalanceInstruction calldata instruction,
        bytes calldata signature
    ) external returns (bool finalized);

    /// @notice Issues and escrows a two-step (RFQ) instruction; the caller must be a keeper.
    /// @return locked False when a pre-trade risk threshold halted the settlement (nothing moved).
    function lock(RebalanceInstructionLib.RebalanceInstruction calldata instruction) external returns (bool locked);

    /// @notice {lock} for an instruction signed (EIP-712) by a keeper; anyone may relay it.
    function lockSigned(
        RebalanceInstructionLib.RebalanceInstruction calldata instruction,
        bytes calldata signature
    ) external returns (bool locked);

    /// @notice An RFQ counterparty escrows `amountOut` (at least the leg's limit) of the leg's buy token.
    /// @dev The counterparty must have approved this contract. Its sell-token proceeds are paid on
    /// {finalize}; on rollback its deposit comes back.
    function fill(bytes32 id, uint256 leg, uint256 amountOut) external;

    /// @notice Runs the post-trade checks on a fully filled instruction and swaps atomically: buy
    /// amounts to the vault, sell amounts to counterparties. On a failed check it rolls back instead,
    /// halts the settlement and records {ConstraintBreached}; it does not revert.
    /// @return finalized Whether the instruction finalised.
    function finalize(bytes32 id) external returns (bool finalized);

    /// @notice Returns escrow to the vault and fills to their counterparties. Anyone may call after
    /// the deadline; a keeper, the guardian or governance before it.
    function rollback(bytes32 id) external;

    /// @notice Pays the caller its deferred counterparty payments in `token`.
    /// @dev Counterparty payments are pushed, and deferred instead of reverting when the push fails, so
    /// that one counterparty the token refuses cannot block a finalisation or a rollback.
    function claim(address token) external returns (uint256 amount);

    /// @notice Deferred payments owed to `counterparty` in `token`.
    function owed(address counterparty, address token) external view returns (uint256);

    /// @notice Stored status of `id`.
    function statusOf(bytes32 id) external view returns (Status);

    /// @notice The last nonce used by `portfolio`; the next instruction needs a larger one.
    function lastNonce(address portfolio) external view returns (uint256);

    /// @notice The portfolio's pending two-step instruction id, or zero.
    function pendingOf(address portfolio) external view returns (bytes32);

    /// @notice The id whose breach halted (paused) the settlement, or zero; cleared by {unpause}.
    function haltedBy() external view returns (bytes32);

    /// @notice EIP-712 digest a keeper signs for `instruction`.
    function hashTypedInstruction(
        RebalanceInstructionLib.RebalanceInstruction calldata instruction
    ) external view returns (bytes32);
}
