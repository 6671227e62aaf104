// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title RebalanceInstructionLib
/// @notice The rebalance instruction a keeper submits, and its EIP-712 struct hash.
/// @dev EIP-712 types (domain name "PortfolioSettlement", version "1"):
/// ```
/// Leg(address sellToken,address buyToken,uint256 amountIn,uint256 minAmountOut,address venue)
/// RebalanceInstruction(bytes32 id,address portfolio,bytes32 optimiserBuildHash,bytes32 inputsHash,
///   uint256[] targetWeights,Leg[] legs,uint64 deadline,uint256 nonce)Leg(...)
/// ```
/// `RfqRebalanceInstruction` has the same fields and encoding as `RebalanceInstruction`: the two-step
/// (RFQ) path signs and identifies instructions under that name, so that a signature for one path is
/// never valid on the other.
/// Arrays are hashed as EIP-712 prescribes: `uint256[]` as keccak256 of the packed words, `Leg[]` as
/// keccak256 of the concatenated leg struct hashes.
library RebalanceInstructionLib {
    /// @notice One swap: sell exactly `amountIn` of `sellToken` for at least `minAmountOut` of `buyToken`.
    /// @dev `venue` is an allow-listed {IVenueAdapter} on the atomic path; on the two-step (RFQ) path it
    /// names the only counterparty allowed to fill the leg, or `address(0)` for any counterparty.
    struct Leg {
        address sellToken;
        address buyToken;
        uint256 amountIn;
        uint256 minAmountOut;
        address venue;
    }

    /// @notice A rebalance of one portfolio (a {IPortfolioVault}).
    /// @dev `targetWeights` are 1e18 fixed point, one per vault asset in the vault's asset order, summing
    /// to 1e18. `inputsHash` commits to the optimiser inputs: view set, parameters version,
    /// constraint-set version and market-data hash. `nonce` strictly increases per portfolio.
    struct RebalanceInstruction {
        bytes32 id;
        address portfolio;
        bytes32 optimiserBuildHash;
        bytes32 inputsHash;
        uint256[] targetWeights;
        Leg[] legs;
        uint64 deadline;
        uint256 nonce;
    }

    bytes32 internal constant LEG_TYPEHASH = keccak256(
        "Leg(address sellToken,address buyToken,uint256 amountIn,uint256 minAmountOut,address venue)"
    );

    bytes32 internal constant INSTRUCTION_TYPEHASH = keccak256(
        "RebalanceInstruction(bytes32 id,address portfolio,bytes32 optimiserBuildHash,bytes32 inputsHash,"
        "uint256[] targetWeights,Leg[] legs,uint64 deadline,uint256 nonce)"
        "Leg(address sellToken,address buyToken,uint256 amountIn,uint256 minAmountOut,address venue)"
    );

    bytes32 internal constant RFQ_INSTRUCTION_TYPEHASH = keccak256(
        "RfqRebalanceInstruction(bytes32 id,address portfolio,bytes32 optimiserBuildHash,bytes32 inputsHash,"
        "uint256[] targetWeights,Leg[] legs,uint64 deadline,uint256 nonce)"
        "Leg(address sellToken,address buyToken,uint256 amountIn,uint256 minAmountOut,address venue)"
    );

    /// @notice EIP-712 struct hash of one leg.
    function hashLeg(Leg calldata leg) internal pure returns (bytes32) {
        return
            keccak256(abi.encode(LEG_TYPEHASH, leg.sellToken, leg.buyToken, leg.amountIn, leg.minAmountOut, leg.venue));
    }

    /// @notice EIP-712 struct hash of an instruction, as `RebalanceInstruction` for the atomic path and
    /// as `RfqRebalanceInstruction` for the RFQ path; the settlement also uses it as the instruction's
    /// identity in events, so that an auditor can match a log to a signed payload.
    function hash(RebalanceInstruction calldata instruction, bool atomic) internal pure returns (bytes32) {
        Leg[] calldata legs = instruction.legs;
        uint256 n = legs.length;
        bytes32[] memory legHashes = new bytes32[](n);
        for (uint256 i; i < n; ++i) {
            legHashes[i] = hashLeg(legs[i]);
        }
        return
            keccak256(
                abi.encode(
                    atomic ? INSTRUCTION_TYPEHASH : RFQ_INSTRUCTION_TYPEHASH,
                    instruction.id,
                    instruction.portfolio,
                    instruction.optimiserBuildHash,
                    instruction.inputsHash,
                    keccak256(abi.encodePacked(instruction.targetWeights)),
                    keccak256(abi.encodePacked(legHashes)),
                    instruction.deadline,
                    instruction.nonce
                )
            );
    }
}
