// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {AuditedOwnable2Step} from "../audit/AuditedOwnable2Step.sol";
import {IGuardianPausable} from "../interfaces/IGuardianPausable.sol";
import {ISettlement} from "../interfaces/ISettlement.sol";

/// @title CircuitBreaker
/// @notice The settlement's {IGuardianPausable} circuit breaker, shared in shape with the registry: the
/// guardian or governance pauses every portfolio at once. Paused refuses new instructions, RFQ fills
/// and finalisation; rollbacks stay open so escrow can always go home. Only governance (the owner,
/// normally the timelock) unpauses. A failed risk check halts only its own portfolio
/// (SettlementCore), so no keeper, maker or caller can stop the others.
/// @dev Lifecycle: `Running --pause()--> Paused --unpause() by governance--> Running`. Every
/// transition and guardian change is audited.
abstract contract CircuitBreaker is ISettlement, AuditedOwnable2Step {
    address private _guardian;
    bool private _paused;

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
    function unpause() external onlyOwner {
        if (!_paused) revert GuardianPausable__UnexpectedPauseState(false);
        _paused = false;
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

    function _isGuardianOrOwner(address account) internal view returns (bool) {
        return account == _guardian || account == owner();
    }

    /// @dev One slot: `_paused` shares it with `_guardian`.
    function _requireOperational() internal view {
        if (_paused) revert GuardianPausable__UnexpectedPauseState(true);
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
