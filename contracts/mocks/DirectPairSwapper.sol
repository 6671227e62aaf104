// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IUniswapV2PairLike} from "../venues/UniswapV2Adapter.sol";

/// @notice Gas baseline for scripts/gas-settlement.ts: the same swaps as a settlement's legs, done
/// directly against the Uniswap V2 pairs (pair by CREATE2, transfer in, getReserves, swap) with no
/// escrow, checks or events, the minimum any integration pays. Holds its own tokens. Not part of
/// the protocol.
contract DirectPairSwapper {
    address private immutable _FACTORY;
    bytes32 private immutable _INIT_CODE_HASH;

    constructor(address factory, bytes32 initCodeHash) {
        _FACTORY = factory;
        _INIT_CODE_HASH = initCodeHash;
    }

    function swapAll(
        address[] calldata sellTokens,
        address[] calldata buyTokens,
        uint256[] calldata amountsIn
    ) external {
        for (uint256 i; i < sellTokens.length; ++i) {
            address sell = sellTokens[i];
            address buy = buyTokens[i];
            bool zeroForOne = sell < buy;
            address pair = _pairFor(zeroForOne ? sell : buy, zeroForOne ? buy : sell);
            IERC20(sell).transfer(pair, amountsIn[i]);
            (uint112 r0, uint112 r1, ) = IUniswapV2PairLike(pair).getReserves();
            (uint256 rIn, uint256 rOut) = zeroForOne ? (r0, r1) : (r1, r0);
            uint256 withFee = amountsIn[i] * 997;
            uint256 out = (withFee * rOut) / (rIn * 1000 + withFee);
            IUniswapV2PairLike(pair).swap(zeroForOne ? 0 : out, zeroForOne ? out : 0, address(this), "");
        }
    }

    function _pairFor(address token0, address token1) private view returns (address) {
        bytes32 salt = keccak256(abi.encodePacked(token0, token1));
        return address(uint160(uint256(keccak256(abi.encodePacked(hex"ff", _FACTORY, salt, _INIT_CODE_HASH)))));
    }
}
