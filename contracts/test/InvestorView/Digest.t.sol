// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {TestBase} from "../utils/TestBase.sol";
import {InvestorViewHash} from "../../libraries/InvestorViewHash.sol";

/// @dev The worked example of docs/eip712.md. The expected hashes and the signature were computed
/// off-chain by viem (src/views/typedData.ts); test/views/typedData.test.ts asserts the same values.
contract InvestorViewDigestTest is TestBase {
    address private constant _REGISTRY = 0x5FbDB2315678afecb367f032d93F642f64180aa3;
    uint256 private constant _CHAIN_ID = 31337;
    address private constant _SIGNER = 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266;

    bytes32 private constant _TYPEHASH = 0x7fd385c307dd3ff8086bfbbee05a450173319fcfd24661cdba81f52d03c4e7e2;
    bytes32 private constant _DOMAIN_SEPARATOR = 0x253bf15acfef1642187f8a466890cdc59357036cb10a84406f2d543d7dc56f80;
    bytes32 private constant _STRUCT_HASH = 0x8b6a11906375ffadeaa6129252b32bec992d0e2d304114180449c5aae7800e05;
    bytes32 private constant _DIGEST = 0x84a10f5205de564e547c741d7477c272278c0ad39a2a386b2e7c73ee3122fbdd;
    bytes32 private constant _COMMITMENT = 0xad2db265cc5b4b4d1c975d3a81a931944caa2882221134acb1b7f88da56f98b5;
    bytes private constant _SIGNATURE =
        hex"b8bde56524fb0bad1b6af0b1c2a3dafc24230051c870af4c8116c030c9b815b2"
        hex"1e426bba3f177556555700a81c3349f97a31bc331336f5d843716e45d2ffcfc81c";

    function _example() private pure returns (InvestorViewHash.InvestorView memory view_) {
        string[] memory assets = new string[](2);
        assets[0] = "WETH";
        assets[1] = "WBTC";
        int256[] memory pick = new int256[](2);
        pick[0] = 1e18;
        pick[1] = -1e18;
        view_ = InvestorViewHash.InvestorView({
            viewSetVersion: 1,
            assets: assets,
            pick: pick,
            q: 0.03e18,
            confidence: 0.5e18,
            omega: 0,
            nonce: 1,
            validUntil: 1893456000,
            signer: _SIGNER
        });
    }

    function test_TypeHashIsKeccakOfTypeString() public pure {
        vm.assertEq(InvestorViewHash.INVESTOR_VIEW_TYPEHASH, _TYPEHASH, "type hash");
    }

    function test_DomainSeparatorMatchesOffChain() public pure {
        vm.assertEq(InvestorViewHash.domainSeparator(_CHAIN_ID, _REGISTRY), _DOMAIN_SEPARATOR, "domain separator");
    }

    function test_StructHashMatchesOffChain() public pure {
        vm.assertEq(InvestorViewHash.structHash(_example()), _STRUCT_HASH, "struct hash");
    }

    function test_DigestMatchesOffChain() public pure {
        bytes32 separator = InvestorViewHash.domainSeparator(_CHAIN_ID, _REGISTRY);
        vm.assertEq(InvestorViewHash.digest(separator, _example()), _DIGEST, "digest");
    }

    function test_OffChainSignatureRecoversSigner() public pure {
        vm.assertEq(ECDSA.recover(_DIGEST, _SIGNATURE), _SIGNER, "recovered signer");
    }

    function test_CommitmentOfOneViewMatchesOffChain() public pure {
        bytes32[] memory digests = new bytes32[](1);
        digests[0] = _DIGEST;
        vm.assertEq(InvestorViewHash.viewSetCommitment(digests), _COMMITMENT, "commitment");
    }

    function test_EmptyCommitmentIsKeccakOfNothing() public pure {
        vm.assertEq(InvestorViewHash.viewSetCommitment(new bytes32[](0)), keccak256(""), "empty commitment");
    }

    /// @dev Any other chain, registry, nonce or return gives another digest: a signature never transfers.
    function testFuzz_EveryBoundFieldChangesTheDigest(
        uint256 chainId,
        address registry,
        uint256 nonce,
        int256 q
    ) public pure {
        bytes32 separator = InvestorViewHash.domainSeparator(_CHAIN_ID, _REGISTRY);
        InvestorViewHash.InvestorView memory view_ = _example();
        if (chainId != _CHAIN_ID) {
            bytes32 other = InvestorViewHash.domainSeparator(chainId, _REGISTRY);
            vm.assertTrue(InvestorViewHash.digest(other, view_) != _DIGEST, "chain id bound");
        }
        if (registry != _REGISTRY) {
            bytes32 other = InvestorViewHash.domainSeparator(_CHAIN_ID, registry);
            vm.assertTrue(InvestorViewHash.digest(other, view_) != _DIGEST, "registry bound");
        }
        if (nonce != view_.nonce) {
            view_.nonce = nonce;
            vm.assertTrue(InvestorViewHash.digest(separator, view_) != _DIGEST, "nonce bound");
            view_.nonce = 1;
        }
        if (q != view_.q) {
            view_.q = q;
            vm.assertTrue(InvestorViewHash.digest(separator, view_) != _DIGEST, "q bound");
        }
    }

    /// @dev A key signs the on-chain digest and ECDSA recovers its address: on-chain verification works.
    function testFuzz_SignedDigestRecoversSigner(uint256 key, uint256 nonce) public pure {
        key = _bound(key, 1, 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140);
        InvestorViewHash.InvestorView memory view_ = _example();
        view_.signer = vm.addr(key);
        view_.nonce = nonce;
        bytes32 digest = InvestorViewHash.digest(InvestorViewHash.domainSeparator(_CHAIN_ID, _REGISTRY), view_);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        vm.assertEq(ECDSA.recover(digest, v, r, s), view_.signer, "recovered signer");
    }
}
