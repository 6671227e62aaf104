// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {InvestorViewHash} from "../libraries/InvestorViewHash.sol";

/// @notice Test double exposing {InvestorViewHash} so off-chain tests can compare digests on random views.
contract InvestorViewHashHarness {
    /// @notice The EIP-712 digest of `view_` for a chain and a registry.
    function digest(
        uint256 chainId,
        address registry,
        InvestorViewHash.InvestorView calldata view_
    ) external pure returns (bytes32) {
        return InvestorViewHash.digest(InvestorViewHash.domainSeparator(chainId, registry), view_);
    }

    /// @notice The signer ECDSA recovers from `signature` over the digest of `view_`.
    function recover(
        uint256 chainId,
        address registry,
        InvestorViewHash.InvestorView calldata view_,
        bytes calldata signature
    ) external pure returns (address) {
        return
            ECDSA.recover(
                InvestorViewHash.digest(InvestorViewHash.domainSeparator(chainId, registry), view_),
                signature
            );
    }

    /// @notice The commitment of an ordered list of view digests.
    function viewSetCommitment(bytes32[] calldata digests) external pure returns (bytes32) {
        return InvestorViewHash.viewSetCommitment(digests);
    }
}
