// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {ISettlement} from "../interfaces/ISettlement.sol";

/// @title CircuitBreaker
/// @notice The settlement's two stops: a guardian pause and an automatic halt after a breached
/// constraint. Either refuses new instructions, RFQ fills and finalisation; rollbacks stay open so
/// escrow can always go home. Only governance (the owner, normally the timelock) resumes.
abstract contract CircuitBreaker is ISettlement, Ownable2Step {
    address private _guardian;
    bool private _paused;
    bytes32 private _haltedBy;

    constructor(address governance, address guardian_) Ownable(governance) {
        _guardian = guardian_;
        emit GuardianSet(guardian_);
    }

    modifier whenOperational() {
        _requireOperational();
        _;
    }

    /// @inheritdoc ISettlement
    function pause() external {
        if (msg.sender != _guardian && msg.sender != owner()) revert Settlement__NotGuardian(msg.sender);
        _paused = true;
        emit Paused(msg.sender);
    }

    /// @inheritdoc ISettlement
    function resume() external onlyOwner {
        _paused = false;
        _haltedBy = bytes32(0);
        emit Resumed(msg.sender);
    }

    /// @notice Replaces the guardian (governance); zero removes it.
    function setGuardian(address guardian_) external onlyOwner {
        _guardian = guardian_;
        emit GuardianSet(guardian_);
    }

    /// @notice The address that may pause.
    function guardian() external view returns (address) {
        return _guardian;
    }

    /// @inheritdoc ISettlement
    function isPaused() external view returns (bool) {
        return _paused;
    }

    /// @inheritdoc ISettlement
    function haltedBy() external view returns (bytes32) {
        return _haltedBy;
    }

    function _isGuardianOrOwner(address account) internal view returns (bool) {
        return account == _guardian || account == owner();
    }

    /// @dev Keeps the first breach as the cause while halted.
    function _halt(bytes32 id) internal {
        if (_haltedBy == bytes32(0)) _haltedBy = id;
    }

    function _requireOperational() internal view {
        if (_paused) revert Settlement__IsPaused();
        bytes32 halted = _haltedBy;
        if (halted != bytes32(0)) revert Settlement__IsHalted(halted);
    }
}
