// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title CodeAddressList
/// @notice An address list kept as the runtime code of a tiny data contract (the SSTORE2 pattern):
/// rewritten rarely, read cheaply. Reading `n` addresses costs one cold account access and a code
/// copy instead of `n + 1` cold storage slots, which matters for a list read on every rebalance.
/// @dev The data contract's code is `0x00` (STOP, so calling it does nothing) followed by the
/// addresses as 32-byte words, so that a read copies them straight into an `address[]`'s memory.
/// The EIP-170 code-size limit (24 576 bytes) bounds a list at 767 addresses.
library CodeAddressList {
    /// @notice Most addresses one list can hold (EIP-170 code-size limit).
    uint256 internal constant MAX_LENGTH = 767;

    /// @notice The list is longer than {MAX_LENGTH}.
    error CodeAddressList__TooLong(uint256 length, uint256 max);

    /// @notice Deploying the data contract failed.
    error CodeAddressList__WriteFailed();

    /// @notice Deploys a data contract holding `list` and returns its address.
    function write(address[] memory list) internal returns (address pointer) {
        if (list.length > MAX_LENGTH) revert CodeAddressList__TooLong(list.length, MAX_LENGTH);
        bytes memory runtime = abi.encodePacked(hex"00", list);
        // PUSH2 len, DUP1, PUSH1 10, RETURNDATASIZE, CODECOPY, RETURNDATASIZE, RETURN: returns the
        // `len` bytes that follow this 10-byte header as the new contract's code.
        bytes memory creation = abi.encodePacked(hex"61", uint16(runtime.length), hex"80600a3d393df3", runtime);
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            pointer := create(0, add(creation, 0x20), mload(creation))
        }
        if (pointer == address(0)) revert CodeAddressList__WriteFailed();
    }

    /// @notice The `length` addresses stored at `pointer` by {write}; empty when `length` is zero.
    function read(address pointer, uint256 length) internal view returns (address[] memory list) {
        list = new address[](length);
        if (length == 0) return list;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            extcodecopy(pointer, add(list, 0x20), 1, mul(length, 0x20))
        }
    }
}
