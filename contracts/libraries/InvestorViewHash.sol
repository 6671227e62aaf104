// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";

/// @title InvestorViewHash
/// @notice EIP-712 hashing of Black-Litterman investor views, identical to the off-chain
/// `src/views/typedData.ts` (docs/eip712.md has the types, the domain and a worked example).
/// @dev Domain: name "DAO Portfolio Views", version "1", the chain id and the ModelRegistry as
/// verifying contract. A view set commits to keccak256(abi.encodePacked(digests)) in view order.
/// Units: `pick`, `q`, `confidence` and `omega` are 1e18 fixed point (WAD); `validUntil` is unix seconds.
library InvestorViewHash {
    /// @notice One investor view, field for field the EIP-712 `InvestorView` type.
    struct InvestorView {
        uint64 viewSetVersion;
        string[] assets;
        int256[] pick;
        int256 q;
        uint256 confidence;
        uint256 omega;
        uint256 nonce;
        uint64 validUntil;
        address signer;
    }

    /// @notice keccak256 of the EIP-712 type string of {InvestorView}.
    bytes32 internal constant INVESTOR_VIEW_TYPEHASH = keccak256(
        "InvestorView(uint64 viewSetVersion,string[] assets,int256[] pick,int256 q,uint256 confidence,"
        "uint256 omega,uint256 nonce,uint64 validUntil,address signer)"
    );

    /// @notice keccak256 of the EIP-712 domain type string used by investor views.
    bytes32 internal constant DOMAIN_TYPEHASH = keccak256(
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
    );

    /// @notice keccak256 of the domain name "DAO Portfolio Views".
    bytes32 internal constant NAME_HASH = keccak256("DAO Portfolio Views");

    /// @notice keccak256 of the domain version "1".
    bytes32 internal constant VERSION_HASH = keccak256("1");

    /// @notice The domain separator for a chain and a ModelRegistry.
    function domainSeparator(uint256 chainId, address registry) internal pure returns (bytes32) {
        return keccak256(abi.encode(DOMAIN_TYPEHASH, NAME_HASH, VERSION_HASH, chainId, registry));
    }

    /// @notice EIP-712 `hashStruct` of a view. Arrays hash as keccak256 of their concatenated
    /// encoded elements; a string element encodes as keccak256 of its bytes.
    function structHash(InvestorView memory view_) internal pure returns (bytes32) {
        // Two static halves concatenated equal one abi.encode of the ten words, without a deep stack.
        return
            keccak256(
                bytes.concat(
                    abi.encode(
                        INVESTOR_VIEW_TYPEHASH,
                        view_.viewSetVersion,
                        _hashAssets(view_.assets),
                        keccak256(abi.encodePacked(view_.pick)),
                        view_.q
                    ),
                    abi.encode(view_.confidence, view_.omega, view_.nonce, view_.validUntil, view_.signer)
                )
            );
    }

    /// @notice The digest a signer signs: keccak256("\x19\x01" ‖ domainSeparator ‖ structHash).
    function digest(bytes32 separator, InvestorView memory view_) internal pure returns (bytes32) {
        return MessageHashUtils.toTypedDataHash(separator, structHash(view_));
    }

    /// @notice Commitment of an ordered view set: keccak256 of the concatenated 32-byte digests.
    function viewSetCommitment(bytes32[] memory digests) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(digests));
    }

    function _hashAssets(string[] memory assets) private pure returns (bytes32) {
        bytes32[] memory hashes = new bytes32[](assets.length);
        for (uint256 i; i < assets.length; ++i) {
            hashes[i] = keccak256(bytes(assets[i]));
        }
        return keccak256(abi.encodePacked(hashes));
    }
}
