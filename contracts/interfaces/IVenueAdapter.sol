// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IVenueAdapter
/// @notice A trading venue behind a uniform push-then-swap call, so the settlement needs no approvals.
/// @dev Protocol per leg: the settlement transfers exactly `amountIn` of `sellToken` to
/// `fundingAddress(sellToken, buyToken)`, then calls {swap}; the adapter must deliver the proceeds to
/// `recipient`. The settlement measures the proceeds itself (balance delta at the recipient) and
/// never trusts the returned amount for its limit check.
interface IVenueAdapter {
    /// @notice The venue has no market for the pair.
    error Venue__NoMarket(address sellToken, address buyToken);

    /// @notice The venue would deliver less than the leg's limit.
    error Venue__InsufficientOutput(uint256 amountOut, uint256 minAmountOut);

    /// @notice Only the settlement may call {swap}.
    error Venue__NotSettlement(address caller);

    /// @notice Where the settlement must send the sell amount before calling {swap}.
    function fundingAddress(address sellToken, address buyToken) external view returns (address);

    /// @notice Swaps `amountIn` of `sellToken`, already at {fundingAddress}, for at least
    /// `minAmountOut` of `buyToken`, sent to `recipient`.
    /// @return amountOut The amount the venue reports it sent.
    function swap(
        address sellToken,
        address buyToken,
        uint256 amountIn,
        uint256 minAmountOut,
        address recipient
    ) external returns (uint256 amountOut);
}
