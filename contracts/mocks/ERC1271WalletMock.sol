// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @notice Test double: a contract wallet that accepts a digest signed by its single owner key (ERC-1271).
contract ERC1271WalletMock is IERC1271 {
    address private immutable _OWNER;

    constructor(address owner_) {
        _OWNER = owner_;
    }

    /// @inheritdoc IERC1271
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        (address recovered, ECDSA.RecoverError error_, ) = ECDSA.tryRecover(hash, signature);
        return
            error_ == ECDSA.RecoverError.NoError && recovered == _OWNER
                ? IERC1271.isValidSignature.selector
                : bytes4(0xffffffff);
    }
}
