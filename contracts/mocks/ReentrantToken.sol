// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Malicious ERC-20 that, once armed, calls `target` with `payload` during every transfer
/// and records whether the call succeeded; with `bubble` set it reverts the transfer with the
/// callee's revert data instead, so tests can see which guard stopped it. For tests.
contract ReentrantToken is ERC20 {
    address private _target;
    bytes private _payload;
    bool private _bubble;
    bool private _entered;

    /// @notice Whether the last armed reentry attempt succeeded.
    bool public reentered;
    /// @notice How many reentry attempts were made.
    uint256 public attempts;

    constructor() ERC20("Reentrant", "REE") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function arm(address target, bytes calldata payload, bool bubble) external {
        _target = target;
        _payload = payload;
        _bubble = bubble;
    }

    function disarm() external {
        _target = address(0);
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (_target == address(0) || _entered || from == address(0)) return;
        _entered = true;
        attempts += 1;
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory data) = _target.call(_payload);
        _entered = false;
        if (!ok && _bubble) {
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                revert(add(data, 32), mload(data))
            }
        }
        reentered = ok;
    }
}
