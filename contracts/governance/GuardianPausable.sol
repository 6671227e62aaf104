// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IGuardianPausable} from "../interfaces/IGuardianPausable.sol";
import {Audited} from "../audit/Audited.sol";

/// @title GuardianPausable
/// @notice Mixin for an audited contract that a guardian may pause and only governance may unpause.
/// @dev Lifecycle: `Running --pause()--> Paused --unpause()--> Running`. The inheriting contract says
/// who governance is through {_isGovernance}. Every transition and guardian change is audited.
abstract contract GuardianPausable is Audited, IGuardianPausable {
    address private _guardian;
    bool private _paused;

    constructor(address initialGuardian) {
        _setGuardian(initialGuardian);
    }

    /// @dev Reverts unless the contract is running.
    modifier whenNotPaused() {
        if (_paused) revert GuardianPausable__UnexpectedPauseState(true);
        _;
    }

    /// @inheritdoc IGuardianPausable
    function pause() external whenNotPaused {
        if (msg.sender != _guardian && !_isGovernance(msg.sender)) {
            revert GuardianPausable__NotGuardianOrGovernance(msg.sender);
        }
        _paused = true;
        emit Paused(msg.sender);
        _recordAudit(Paused.selector, keccak256(abi.encode(msg.sender)));
    }

    /// @inheritdoc IGuardianPausable
    function unpause() external {
        _checkGovernance();
        if (!_paused) revert GuardianPausable__UnexpectedPauseState(false);
        _paused = false;
        emit Unpaused(msg.sender);
        _recordAudit(Unpaused.selector, keccak256(abi.encode(msg.sender)));
    }

    /// @inheritdoc IGuardianPausable
    function setGuardian(address newGuardian) external {
        _checkGovernance();
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

    /// @dev Whether `account` is governance (the timelock).
    function _isPaused() internal view returns (bool) {
        return _paused;
    }

    function _isGovernance(address account) internal view virtual returns (bool);

    /// @dev Reverts with the inheriting contract's own access error unless the caller is governance.
    function _checkGovernance() internal view virtual;

    function _setGuardian(address newGuardian) private {
        address previous = _guardian;
        _guardian = newGuardian;
        emit GuardianUpdated(previous, newGuardian);
        _recordAudit(GuardianUpdated.selector, keccak256(abi.encode(previous, newGuardian)));
    }
}
