// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IVenueAdapter} from "../interfaces/IVenueAdapter.sol";

/// @notice Test double for Solidity fuzz and invariant tests only (Uniswap's 0.5/0.6 bytecode cannot
/// be imported there): a venue that is its own constant-product pool over every token it holds,
/// with Uniswap V2's 0.3% fee. The mocha tests and the demo use real Uniswap V2 pairs instead.
contract ConstantProductVenue is IVenueAdapter {
    using SafeERC20 for IERC20;

    mapping(address token => uint256) private _reserves;

    /// @notice Adds `amount` of `token`, pulled from the caller, to the pool's reserves.
    function seed(address token, uint256 amount) external {
        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
        _reserves[token] += amount;
    }

    function reserveOf(address token) external view returns (uint256) {
        return _reserves[token];
    }

    function fundingAddress(address, address) external view returns (address) {
        return address(this);
    }

    function quote(address sellToken, address buyToken, uint256 amountIn) public view returns (uint256) {
        uint256 rIn = _reserves[sellToken];
        uint256 rOut = _reserves[buyToken];
        if (rIn == 0 || rOut == 0) return 0;
        uint256 withFee = amountIn * 997;
        return (withFee * rOut) / (rIn * 1000 + withFee);
    }

    function swap(
        address sellToken,
        address buyToken,
        uint256 amountIn,
        uint256 minAmountOut,
        address recipient
    ) external returns (uint256 amountOut) {
        uint256 received = IERC20(sellToken).balanceOf(address(this)) - _reserves[sellToken];
        if (received < amountIn) revert Venue__InsufficientOutput(received, amountIn);
        amountOut = quote(sellToken, buyToken, received);
        if (amountOut == 0) revert Venue__NoMarket(sellToken, buyToken);
        if (amountOut < minAmountOut) revert Venue__InsufficientOutput(amountOut, minAmountOut);
        _reserves[sellToken] += received;
        _reserves[buyToken] -= amountOut;
        IERC20(buyToken).safeTransfer(recipient, amountOut);
    }
}
