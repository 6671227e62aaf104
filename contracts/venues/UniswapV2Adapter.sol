// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IVenueAdapter} from "../interfaces/IVenueAdapter.sol";

/// @notice The part of a Uniswap V2 pair the adapter calls.
interface IUniswapV2PairLike {
    function getReserves() external view returns (uint112 reserve0, uint112 reserve1, uint32 blockTimestampLast);

    function swap(uint256 amount0Out, uint256 amount1Out, address to, bytes calldata data) external;
}

/// @title UniswapV2Adapter
/// @notice {IVenueAdapter} over Uniswap V2 pairs, swapping against the pair directly as the V2
/// router does internally (UniswapV2Library.getAmountOut, then `pair.swap`), without the router.
/// @dev The settlement pushes the sell amount straight to the pair ({fundingAddress}), so a leg costs
/// one token transfer and one `swap`, like a direct trade. Pairs are found by CREATE2 from the
/// factory and the pair init-code hash given at deployment (for the pair bytecode shipped in
/// the Uniswap v2-core npm package it is 0x96e8ac42…845f, the hash the V2 periphery hard-codes).
/// The amount in is the exact amount pushed, so tokens that take a fee on transfer would make the
/// pair's `swap` revert with `UniswapV2: K`; the settlement refuses them earlier anyway.
contract UniswapV2Adapter is IVenueAdapter {
    address private immutable _FACTORY;
    bytes32 private immutable _INIT_CODE_HASH;
    address private immutable _SETTLEMENT;

    /// @param factory_ Uniswap V2 factory.
    /// @param initCodeHash_ keccak256 of the pair creation code the factory deploys.
    /// @param settlement_ The only caller of {swap}.
    constructor(address factory_, bytes32 initCodeHash_, address settlement_) {
        _FACTORY = factory_;
        _INIT_CODE_HASH = initCodeHash_;
        _SETTLEMENT = settlement_;
    }

    /// @notice The factory whose pairs this adapter trades on.
    function factory() external view returns (address) {
        return _FACTORY;
    }

    /// @inheritdoc IVenueAdapter
    function fundingAddress(address sellToken, address buyToken) external view returns (address) {
        return pairFor(sellToken, buyToken);
    }

    /// @inheritdoc IVenueAdapter
    function swap(
        address sellToken,
        address buyToken,
        uint256 amountIn,
        uint256 minAmountOut,
        address recipient
    ) external returns (uint256 amountOut) {
        if (msg.sender != _SETTLEMENT) revert Venue__NotSettlement(msg.sender);
        address pair = pairFor(sellToken, buyToken);
        if (pair.code.length == 0) revert Venue__NoMarket(sellToken, buyToken);
        (uint112 reserve0, uint112 reserve1, ) = IUniswapV2PairLike(pair).getReserves();
        bool sellIsToken0 = sellToken < buyToken;
        (uint256 reserveIn, uint256 reserveOut) = sellIsToken0 ? (reserve0, reserve1) : (reserve1, reserve0);
        amountOut = getAmountOut(amountIn, reserveIn, reserveOut);
        if (amountOut < minAmountOut) revert Venue__InsufficientOutput(amountOut, minAmountOut);
        (uint256 out0, uint256 out1) = sellIsToken0 ? (uint256(0), amountOut) : (amountOut, uint256(0));
        IUniswapV2PairLike(pair).swap(out0, out1, recipient, "");
    }

    /// @notice The pair of two tokens, computed by CREATE2 (UniswapV2Library.pairFor).
    function pairFor(address tokenA, address tokenB) public view returns (address) {
        (address token0, address token1) = tokenA < tokenB ? (tokenA, tokenB) : (tokenB, tokenA);
        bytes32 salt = keccak256(abi.encodePacked(token0, token1));
        return address(uint160(uint256(keccak256(abi.encodePacked(hex"ff", _FACTORY, salt, _INIT_CODE_HASH)))));
    }

    /// @notice UniswapV2Library.getAmountOut: the output of `amountIn` after the 0.3% fee,
    /// `out = in·997·rOut / (rIn·1000 + in·997)`; zero when a reserve is empty.
    function getAmountOut(uint256 amountIn, uint256 reserveIn, uint256 reserveOut) public pure returns (uint256) {
        if (reserveIn == 0 || reserveOut == 0) return 0;
        uint256 amountInWithFee = amountIn * 997;
        return (amountInWithFee * reserveOut) / (reserveIn * 1000 + amountInWithFee);
    }
}
