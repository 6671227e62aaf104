// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {TestBase} from "../utils/TestBase.sol";
import {Vm} from "../utils/Vm.sol";
import {Settlement} from "../../settlement/Settlement.sol";
import {ISettlement} from "../../interfaces/ISettlement.sol";
import {PortfolioVault} from "../../vault/PortfolioVault.sol";
import {RebalanceInstructionLib} from "../../libraries/RebalanceInstructionLib.sol";
import {ConstantProductVenue} from "../../mocks/ConstantProductVenue.sol";
import {MockERC20} from "../../mocks/MockERC20.sol";
import {MockModelRegistry} from "../../mocks/MockModelRegistry.sol";
import {SettlementAuditFold} from "./SettlementAuditFold.sol";

/// @notice Drives random settlement lifecycles (atomic settles, RFQ lock/fill/finalize/rollback,
/// replays) as keeper, market maker, guardian and governance, and tries the bad actions too: double
/// fills, over- and underfills, fills below the limit, post-trade checks made to fail, early cancels,
/// budget exhaustion. Keeps ghost books the invariants compare against, and folds every log the
/// settlement emits into a ghost audit chain, payloads recomputed from the events themselves.
/// @dev Many state variables on purpose: they are the ghost books the invariants read.
// solhint-disable-next-line max-states-count
contract SettlementHandler is TestBase, SettlementAuditFold {
    Settlement private immutable _SETTLEMENT;
    PortfolioVault private immutable _VAULT;
    ConstantProductVenue private immutable _VENUE;
    MockModelRegistry private immutable _REGISTRY;
    address private immutable _GUARDIAN;
    MockERC20[] private _tokens;

    /// @notice What the vault should hold once escrow comes home: start + Σ received − Σ sold over
    /// finalized legs.
    uint256[3] public ghostVault;
    /// @notice Sell amounts of the pending RFQ instruction, per token.
    uint256[3] public pendingSell;
    /// @notice Buy amounts deposited by fills of the pending RFQ instruction, per token.
    uint256[3] public pendingFill;

    bool public legBelowLimit;
    bool public finalizedTwice;
    bool public rollbackInexact;
    /// @notice A fill other than exactly the leg's limit, or a second fill of a leg, was accepted.
    bool public badFillAccepted;
    /// @notice A settlement charged the budget less than the NAV it measurably lost.
    bool public lossUndercharged;
    uint256 public halts;
    uint256 public settled;
    uint256 public rolledBack;

    bytes32[] private _terminal;
    RebalanceInstructionLib.RebalanceInstruction private _pending;
    bool private _hasPending;
    bool[] private _filled;
    uint256[3] private _snapshot;
    uint256 private _idCounter;

    constructor(
        Settlement settlement_,
        PortfolioVault vault_,
        ConstantProductVenue venue_,
        MockERC20[] memory tokens_,
        MockModelRegistry registry_,
        address guardian_
    ) SettlementAuditFold(address(settlement_), settlement_.auditHead(), settlement_.auditCount()) {
        // Recording stays on for the handler's life: every log, also of calls the tests make
        // directly, is folded exactly once (by the next action).
        vm.recordLogs();
        _REGISTRY = registry_;
        _GUARDIAN = guardian_;
        _SETTLEMENT = settlement_;
        _VAULT = vault_;
        _VENUE = venue_;
        for (uint256 i; i < 3; ++i) {
            _tokens.push(tokens_[i]);
            ghostVault[i] = tokens_[i].balanceOf(address(vault_));
            tokens_[i].approve(address(settlement_), type(uint256).max);
        }
    }

    /// @dev Folds what was logged since the last action (calls the tests made directly), then what
    /// this action logged, into the ghost chain.
    modifier folds() {
        _fold(vm.getRecordedLogs());
        _;
        _fold(vm.getRecordedLogs());
    }

    function settleAtomic(uint256 seed, uint8 legCount) external folds {
        if (_hasPending) return;
        RebalanceInstructionLib.RebalanceInstruction memory ins = _make(seed, _bound(legCount, 1, 5), true);
        uint256[3] memory before = _vaultBalances();
        uint256 usedBefore = _SETTLEMENT.lossUsed(address(_VAULT));
        try _SETTLEMENT.settle(ins) returns (bool ok) {
            if (!ok) return _resumeHalted();
        } catch {
            return _dropReverted();
        }
        Vm.Log[] memory logs = vm.getRecordedLogs();
        _fold(logs);
        int256[3] memory delta;
        uint256 seen;
        for (uint256 k; k < logs.length; ++k) {
            if (
                logs[k].emitter != address(_SETTLEMENT) || logs[k].topics[0] != ISettlement.SettlementFinalized.selector
            ) continue;
            (uint256 navBefore, uint256 navAfter, , uint256[] memory amountsOut) = abi.decode(
                logs[k].data,
                (uint256, uint256, uint256[], uint256[])
            );
            uint256 lost = navAfter >= navBefore ? 0 : ((navBefore - navAfter) * 1e18) / navBefore;
            if (_SETTLEMENT.lossUsed(address(_VAULT)) < usedBefore + lost) lossUndercharged = true;
            for (uint256 leg; leg < amountsOut.length; ++leg) {
                RebalanceInstructionLib.Leg memory executed = ins.legs[leg];
                if (amountsOut[leg] < executed.minAmountOut) legBelowLimit = true;
                delta[_index(executed.sellToken)] -= int256(executed.amountIn);
                delta[_index(executed.buyToken)] += int256(amountsOut[leg]);
                seen += 1;
            }
        }
        if (seen != ins.legs.length) legBelowLimit = true;
        uint256[3] memory afterBalances = _vaultBalances();
        for (uint256 i; i < 3; ++i) {
            if (int256(afterBalances[i]) - int256(before[i]) != delta[i]) legBelowLimit = true;
            ghostVault[i] = uint256(int256(ghostVault[i]) + delta[i]);
        }
        _terminal.push(ins.id);
        settled += 1;
    }

    function lock(uint256 seed, uint8 legCount) external folds {
        if (_hasPending) return;
        RebalanceInstructionLib.RebalanceInstruction memory ins = _make(seed, _bound(legCount, 1, 4), false);
        uint256[3] memory before = _vaultBalances();
        try _SETTLEMENT.lock(ins) returns (bool ok) {
            if (!ok) return _resumeHalted();
        } catch {
            return _dropReverted();
        }
        _snapshot = before;
        _hasPending = true;
        delete _pending.legs;
        _pending.id = ins.id;
        _pending.deadline = ins.deadline;
        delete _filled;
        for (uint256 i; i < ins.legs.length; ++i) {
            _pending.legs.push(ins.legs[i]);
            _filled.push(false);
            pendingSell[_index(ins.legs[i].sellToken)] += ins.legs[i].amountIn;
        }
    }

    /// @dev `mode % 4`: 0 fills exactly the limit; 1 overfills, 2 underfills (below the limit), 3 fills
    /// a leg again. Only the first, on an unfilled leg, may be accepted.
    function fill(uint8 legSeed, uint256 bonus, uint8 mode) external folds {
        if (!_hasPending) return;
        uint256 leg = legSeed % _pending.legs.length;
        RebalanceInstructionLib.Leg memory target = _pending.legs[leg];
        mode %= 4;
        if (mode == 3 && !_filled[leg]) mode = 0;
        if (mode != 3 && _filled[leg]) return;
        uint256 out = target.minAmountOut;
        if (mode == 1) out += _bound(bonus, 1, 1e18);
        if (mode == 2) out -= _bound(bonus, 1, out);
        MockERC20(target.buyToken).mint(address(this), out);
        try _SETTLEMENT.fill(_pending.id, leg, out) {
            if (mode != 0) badFillAccepted = true;
            _filled[leg] = true;
            pendingFill[_index(target.buyToken)] += out;
        } catch {
            _dropReverted();
        }
    }

    /// @dev Tightens (or loosens) the weight tolerance so that some finalisations fail their
    /// post-trade checks, roll back and halt the portfolio.
    function setTolerance(uint256 tolerance) external folds {
        _REGISTRY.setLimits(10_000, _bound(tolerance, 1, 1e18), 1e18, 1e18);
    }

    /// @dev A keeper or the guardian cancels the pending instruction before its deadline.
    function cancel(bool asGuardian) external folds {
        if (!_hasPending) return;
        if (asGuardian) vm.prank(_GUARDIAN);
        _SETTLEMENT.rollback(_pending.id);
        _checkRestored();
        _clearPending();
        rolledBack += 1;
    }

    function finalize() external folds {
        if (!_hasPending) return;
        bytes32 id = _pending.id;
        try _SETTLEMENT.finalize(id) returns (bool ok) {
            if (ok) {
                for (uint256 i; i < 3; ++i) {
                    ghostVault[i] = ghostVault[i] + pendingFill[i] - pendingSell[i];
                }
                settled += 1;
            } else {
                _checkRestored();
                rolledBack += 1;
                _resumeHalted();
            }
            _clearPending();
        } catch {
            _dropReverted();
        }
    }

    function rollback(uint32 lateBy) external folds {
        if (!_hasPending) return;
        vm.warp(uint256(_pending.deadline) + 1 + lateBy);
        _SETTLEMENT.rollback(_pending.id);
        _checkRestored();
        _clearPending();
        rolledBack += 1;
    }

    /// @dev Any replay of a terminal id through any entry point must fail.
    function replay(uint256 which) external folds {
        if (_terminal.length == 0) return;
        bytes32 id = _terminal[which % _terminal.length];
        try _SETTLEMENT.finalize(id) {
            finalizedTwice = true;
        } catch {
            _dropReverted();
        }
        try _SETTLEMENT.rollback(id) {
            finalizedTwice = true;
        } catch {
            _dropReverted();
        }
    }

    /// @dev The log recorder keeps the logs of reverted calls too; they never happened on chain, so
    /// they must not reach the fold (each action folds what came before it first).
    function _dropReverted() private {
        vm.getRecordedLogs();
    }

    /// @notice Every id that reached a terminal status, in order.
    function terminalIds() external view returns (bytes32[] memory) {
        return _terminal;
    }

    /// @dev Governance (this handler owns the settlement) lifts a halt so the run goes on.
    function _resumeHalted() private {
        if (_SETTLEMENT.haltedBy(address(_VAULT)) == bytes32(0)) return;
        halts += 1;
        _SETTLEMENT.resume(address(_VAULT));
    }

    /// @notice Takes over the settlement's ownership (governance) offered by the test.
    function acceptOwnership() external folds {
        _SETTLEMENT.acceptOwnership();
    }

    function _checkRestored() private {
        uint256[3] memory now_ = _vaultBalances();
        for (uint256 i; i < 3; ++i) {
            if (now_[i] != _snapshot[i]) rollbackInexact = true;
        }
    }

    function _clearPending() private {
        _terminal.push(_pending.id);
        _hasPending = false;
        for (uint256 i; i < 3; ++i) {
            pendingSell[i] = 0;
            pendingFill[i] = 0;
        }
    }

    function _make(
        uint256 seed,
        uint256 n,
        bool atomic
    ) private returns (RebalanceInstructionLib.RebalanceInstruction memory ins) {
        ins.legs = new RebalanceInstructionLib.Leg[](n);
        for (uint256 i; i < n; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            uint256 sell = r % 3;
            uint256 buy = (sell + 1 + ((r >> 8) % 2)) % 3;
            uint256 amountIn = _bound(r >> 16, 1e12, 5_000e18);
            address sellToken = address(_tokens[sell]);
            address buyToken = address(_tokens[buy]);
            uint256 minOut = atomic ? (_VENUE.quote(sellToken, buyToken, amountIn) * 99) / 100 : (amountIn * 99) / 100;
            ins.legs[i] = RebalanceInstructionLib.Leg(
                sellToken,
                buyToken,
                amountIn,
                minOut,
                atomic ? address(_VENUE) : address(this)
            );
        }
        _idCounter += 1;
        ins.id = keccak256(abi.encode("handler", _idCounter));
        ins.portfolio = address(_VAULT);
        ins.optimiserBuildHash = keccak256("optimizer-build");
        ins.inputsHash = bytes32(seed);
        ins.targetWeights = new uint256[](3);
        ins.targetWeights[0] = 333_333_333_333_333_333;
        ins.targetWeights[1] = 333_333_333_333_333_333;
        ins.targetWeights[2] = 333_333_333_333_333_334;
        ins.deadline = uint64(block.timestamp + 1 hours);
        ins.nonce = _SETTLEMENT.lastNonce(address(_VAULT)) + 1;
    }

    function _vaultBalances() private view returns (uint256[3] memory balances) {
        for (uint256 i; i < 3; ++i) balances[i] = _tokens[i].balanceOf(address(_VAULT));
    }

    function _index(address token) private view returns (uint256) {
        for (uint256 i; i < 3; ++i) if (address(_tokens[i]) == token) return i;
        return type(uint256).max;
    }
}
