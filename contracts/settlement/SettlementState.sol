// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ISettlement} from "../interfaces/ISettlement.sol";
import {SettlementEvents} from "./SettlementEvents.sol";

/// @title SettlementState
/// @notice The settlement's stored policy and per-portfolio state, and governance's levers on them:
/// allowed portfolios, venues and makers, each portfolio's loss budget and pacing, and its halt.
abstract contract SettlementState is SettlementEvents {
    /// @dev Everything admission reads and writes about a portfolio, in one slot: one cold read and
    /// one write per instruction. `busy` mirrors `_pendingOf[portfolio] != 0`; `halted` mirrors
    /// `_haltedBy[portfolio] != 0`. `lossUsed` is the budget in use as of `lossUpdatedAt` (before refill).
    struct PortfolioState {
        bool allowed;
        bool busy;
        bool halted;
        uint64 lastNonce;
        uint40 lastAdmittedAt;
        uint64 lossUsed;
        uint40 lossUpdatedAt;
    }

    mapping(bytes32 id => Status) internal _status;
    mapping(address portfolio => PortfolioState) internal _portfolioState;
    mapping(address portfolio => PortfolioPolicy) internal _policies;
    mapping(address portfolio => bytes32) private _pendingOf;
    mapping(address portfolio => bytes32) private _haltedBy;
    /// @dev Never zero once the portfolio is allowed ({_NO_ID} until its first instruction), so each
    /// admission rewrites a non-zero slot (5k gas) instead of writing a per-id slot from zero (22k).
    mapping(address portfolio => bytes32) private _lastInstructionOf;
    mapping(address venue => bool) internal _venues;
    mapping(address maker => bool) internal _makers;

    /// @dev {_lastInstructionOf}'s placeholder before a portfolio's first instruction: not an id any
    /// keeper computes (ids are keccak256 outputs).
    bytes32 private constant _NO_ID = bytes32(uint256(1));

    constructor(address governance, address guardian_) SettlementEvents(governance, guardian_) {}

    /// @notice Allows or disallows a portfolio vault (governance).
    function setPortfolio(address portfolio, bool allowed) external onlyOwner {
        if (portfolio == address(0)) revert Settlement__ZeroAddress();
        _portfolioState[portfolio].allowed = allowed;
        if (_lastInstructionOf[portfolio] == bytes32(0)) _lastInstructionOf[portfolio] = _NO_ID;
        _emitAllowed(PortfolioSet.selector, portfolio, allowed);
    }

    /// @notice Allows or disallows a venue adapter for atomic-path legs (governance).
    function setVenue(address venue, bool allowed) external onlyOwner {
        if (venue == address(0)) revert Settlement__ZeroAddress();
        _venues[venue] = allowed;
        _emitAllowed(VenueSet.selector, venue, allowed);
    }

    /// @inheritdoc ISettlement
    function setMaker(address maker, bool allowed) external onlyOwner {
        if (maker == address(0)) revert Settlement__ZeroAddress();
        _makers[maker] = allowed;
        _emitAllowed(MakerSet.selector, maker, allowed);
    }

    /// @inheritdoc ISettlement
    function setPortfolioPolicy(address portfolio, PortfolioPolicy calldata policy) external onlyOwner {
        if (portfolio == address(0)) revert Settlement__ZeroAddress();
        if (policy.lossWindow == 0) revert Settlement__InvalidPolicy(policy.lossBudget, policy.lossWindow);
        // The budget in use keeps its meaning: charge the refill owed under the old policy first.
        PortfolioState storage state = _portfolioState[portfolio];
        state.lossUsed = uint64(_lossUsedNow(portfolio));
        state.lossUpdatedAt = uint40(block.timestamp);
        _policies[portfolio] = policy;
        emit PortfolioPolicySet(portfolio, policy.lossBudget, policy.lossWindow, policy.minInterval);
        _recordAudit(
            PortfolioPolicySet.selector,
            keccak256(abi.encode(portfolio, policy.lossBudget, policy.lossWindow, policy.minInterval))
        );
    }

    /// @inheritdoc ISettlement
    function resume(address portfolio) external onlyOwner {
        bytes32 id = _haltedBy[portfolio];
        if (id == bytes32(0)) revert Settlement__PortfolioNotHalted(portfolio);
        delete _haltedBy[portfolio];
        _portfolioState[portfolio].halted = false;
        emit PortfolioResumed(portfolio, id);
        _recordAudit(PortfolioResumed.selector, keccak256(abi.encode(portfolio, id)));
    }

    /// @notice Whether `portfolio` is an allowed vault.
    function isPortfolio(address portfolio) external view returns (bool) {
        return _portfolioState[portfolio].allowed;
    }

    /// @notice Whether `venue` is an allowed adapter.
    function isVenue(address venue) external view returns (bool) {
        return _venues[venue];
    }

    /// @inheritdoc ISettlement
    function portfolioPolicy(address portfolio) external view returns (PortfolioPolicy memory) {
        return _policies[portfolio];
    }

    /// @inheritdoc ISettlement
    function lossUsed(address portfolio) external view returns (uint256) {
        return _lossUsedNow(portfolio);
    }

    /// @inheritdoc ISettlement
    function statusOf(bytes32 id) external view returns (Status) {
        return _status[id];
    }

    /// @inheritdoc ISettlement
    function lastInstructionId(address portfolio) external view returns (bytes32) {
        bytes32 id = _lastInstructionOf[portfolio];
        return id == _NO_ID ? bytes32(0) : id;
    }

    /// @inheritdoc ISettlement
    function lastNonce(address portfolio) external view returns (uint256) {
        return _portfolioState[portfolio].lastNonce;
    }

    /// @inheritdoc ISettlement
    function pendingOf(address portfolio) external view returns (bytes32) {
        return _pendingOf[portfolio];
    }

    /// @inheritdoc ISettlement
    function haltedBy(address portfolio) external view returns (bytes32) {
        return _haltedBy[portfolio];
    }

    /// @dev The first breach stays recorded as the cause until {resume}.
    function _haltPortfolio(address portfolio, bytes32 id) internal override {
        if (_haltedBy[portfolio] != bytes32(0)) return;
        _haltedBy[portfolio] = id;
        _portfolioState[portfolio].halted = true;
        emit PortfolioHalted(portfolio, id);
        _recordAudit(PortfolioHalted.selector, keccak256(abi.encode(portfolio, id)));
    }

    /// @dev Records `id` as `portfolio`'s last admitted instruction (an atomic one's only record).
    function _setLastInstruction(address portfolio, bytes32 id) internal {
        _lastInstructionOf[portfolio] = id;
    }

    function _lastInstruction(address portfolio) internal view returns (bytes32) {
        return _lastInstructionOf[portfolio];
    }

    /// @dev Marks `portfolio` busy with the two-step instruction `id` (lock).
    function _setPending(address portfolio, bytes32 id) internal {
        _pendingOf[portfolio] = id;
        _portfolioState[portfolio].busy = true;
    }

    /// @dev Clears `portfolio`'s pending instruction (finalize or rollback).
    function _clearPending(address portfolio) internal {
        delete _pendingOf[portfolio];
        _portfolioState[portfolio].busy = false;
    }

    function _pendingIdOf(address portfolio) internal view returns (bytes32) {
        return _pendingOf[portfolio];
    }

    function _haltCause(address portfolio) internal view returns (bytes32) {
        return _haltedBy[portfolio];
    }

    /// @dev The budget in use now: the stored charge less the linear refill since it was written.
    function _lossUsedNow(address portfolio) internal view returns (uint256) {
        PortfolioState memory state = _portfolioState[portfolio];
        return _refilled(state, _policies[portfolio]);
    }

    function _refilled(PortfolioState memory state, PortfolioPolicy memory policy) internal view returns (uint256) {
        uint256 used = state.lossUsed;
        if (used == 0 || policy.lossWindow == 0) return used;
        uint256 refill = (uint256(policy.lossBudget) * (block.timestamp - state.lossUpdatedAt)) / policy.lossWindow;
        return refill >= used ? 0 : used - refill;
    }
}
