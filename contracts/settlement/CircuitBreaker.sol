// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {Audited} from "../audit/Audited.sol";
import {IGuardianPausable} from "../interfaces/IGuardianPausable.sol";
import {ISettlement} from "../interfaces/ISettlement.sol";

/// @title CircuitBreaker
/// @notice The settlement's {IGuardianPausable} circuit breaker, shared in shape with the registry: the
/// guardian or governance pauses; the settlement also pauses itself (an automatic halt) when a risk
/// check fails, remembering the instruction that caused it. Paused refuses new instructions, RFQ fills
/// and finalisation; rollbacks stay open so escrow can always go home. Only governance (the owner,
/// normally the timelock) unpauses, which also clears the halt.
/// @dev Lifecycle: `Running --pause() | halt--> Paused --unpause() by governance--> Running`. Every
/// transition and guardian change is audited.
abstract contract CircuitBreaker is ISettlement, Ownable2Step, Audited {
    address private _guardian;
    bool private _paused;
    bytes32 private _haltedBy;

    constructor(address governance, address guardian_) Ownable(governance) {
        _setGuardian(guardian_);
    }

    modifier whenOperational() {
        _requireOperational();
        _;
    }

    /// @inheritdoc IGuardianPausable
    function pause() external {
        if (msg.sender != _guardian && msg.sender != owner()) {
            revert GuardianPausable__NotGuardianOrGovernance(msg.sender);
        }
        if (_paused) revert GuardianPausable__UnexpectedPauseState(true);
        _pause(msg.sender);
    }

    /// @inheritdoc IGuardianPausable
    /// @dev Also clears an automatic halt.
    function unpause() external onlyOwner {
        if (!_paused) revert GuardianPausable__UnexpectedPauseState(false);
        _paused = false;
        _haltedBy = bytes32(0);
        emit Unpaused(msg.sender);
        _recordAudit(Unpaused.selector, keccak256(abi.encode(msg.sender)));
    }

    /// @inheritdoc IGuardianPausable
    function setGuardian(address newGuardian) external onlyOwner {
        _setGuardian(newGuardian);
    }

    /// @inheritdoc IGuardianPausable
    function paused() external view returns (bool) {
        return _paused;
    }

    /// @inheritdoc IGuardianPausable
    function guardian() external view returns (address) {
        return _guardian;
    }

    /// @inheritdoc ISettlement
    function haltedBy() external view returns (bytes32) {
        return _haltedBy;
    }

    function _isGuardianOrOwner(address account) internal view returns (bool) {
        return account == _guardian || account == owner();
    }

    /// @dev The settlement pauses itself; the first breach stays recorded as the cause.
    function _halt(bytes32 id) internal {
        if (_haltedBy == bytes32(0)) _haltedBy = id;
        if (!_paused) _pause(address(this));
    }

    /// @dev A halt always pauses and only {unpause} clears either, so `_haltedBy != 0` implies
    /// `_paused`: the running path reads one slot (`_paused` shares it with `_guardian`).
    function _requireOperational() internal view {
        if (!_paused) return;
        bytes32 halted = _haltedBy;
        if (halted != bytes32(0)) revert Settlement__IsHalted(halted);
        revert GuardianPausable__UnexpectedPauseState(true);
    }

    function _pause(address account) private {
        _paused = true;
        emit Paused(account);
        _recordAudit(Paused.selector, keccak256(abi.encode(account)));
    }

    function _setGuardian(address newGuardian) private {
        address previous = _guardian;
        _guardian = newGuardian;
        emit GuardianUpdated(previous, newGuardian);
        _recordAudit(GuardianUpdated.selector, keccak256(abi.encode(previous, newGuardian)));
    }
}
