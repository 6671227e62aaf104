// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IVenueAdapter} from "../interfaces/IVenueAdapter.sol";

/// @notice Test double of a venue that misbehaves: it keeps the sell amount, reports `minAmountOut`
/// as delivered without sending anything, and may first call `target` with `payload` (a reentry
/// attempt), bubbling up that call's revert. For tests.
contract HostileVenue is IVenueAdapter {
    address private _target;
    bytes private _payload;

    function arm(address target, bytes calldata payload) external {
        _target = target;
        _payload = payload;
    }

    function fundingAddress(address, address) external view returns (address) {
        return address(this);
    }

    function swap(address, address, uint256, uint256 minAmountOut, address) external returns (uint256) {
        if (_target != address(0)) {
            // solhint-disable-next-line avoid-low-level-calls
            (bool ok, bytes memory data) = _target.call(_payload);
            if (!ok) {
                // solhint-disable-next-line no-inline-assembly
                assembly ("memory-safe") {
                    revert(add(data, 32), mload(data))
                }
            }
        }
        return minAmountOut;
    }
}
