// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IAudited} from "./IAudited.sol";

/// @title IPortfolioVault
/// @notice Holds one DAO portfolio's ERC-20 assets. Governance (the owner, normally the timelock)
/// deposits, withdraws and curates the asset list; during a rebalance only the settlement contract
/// moves assets, and only into its escrow.
/// @dev Holdings are the vault's token balances; {holdings} reads them in asset order, the order in
/// which a rebalance instruction lists its target weights.
interface IPortfolioVault is IAudited {
    /// @notice Governance deposited `amount` of `token` (audited).
    event Deposited(address indexed token, address indexed from, uint256 amount);

    /// @notice Governance withdrew `amount` of `token` to `to` (audited).
    event Withdrawn(address indexed token, address indexed to, uint256 amount);

    /// @notice `token` joined the portfolio's asset list at `index` (audited).
    event AssetAdded(address indexed token, uint256 index);

    /// @notice Only the settlement contract may move assets for a rebalance.
    error Vault__NotSettlement(address caller);

    /// @notice Deposits and withdrawals wait until the pending two-step rebalance ends.
    error Vault__RebalancePending(bytes32 id);

    /// @notice `token` is not in the asset list.
    error Vault__UnknownAsset(address token);

    /// @notice `token` is already in the asset list.
    error Vault__DuplicateAsset(address token);

    /// @notice A zero address where a token or recipient is required.
    error Vault__ZeroAddress();

    /// @notice `tokens` and `amounts` differ in length.
    error Vault__LengthMismatch(uint256 tokens, uint256 amounts);

    /// @notice The settlement contract, fixed at deployment.
    function settlement() external view returns (address);

    /// @notice The asset list, in the order rebalance instructions index their target weights.
    function assets() external view returns (address[] memory);

    /// @notice Whether `token` is in the asset list.
    function isAsset(address token) external view returns (bool);

    /// @notice The asset list and the vault's balance of each asset, in raw token units.
    function holdings() external view returns (address[] memory tokens, uint256[] memory balances);

    /// @notice The vault's balance of each asset, in raw token units, in asset-list order: {holdings}
    /// without the list, for a caller that already has it.
    function balances() external view returns (uint256[] memory);

    /// @notice Pulls `amount` of `token` from the caller (governance) into the vault.
    function deposit(address token, uint256 amount) external;

    /// @notice Sends `amount` of `token` to `to` (governance).
    function withdraw(address token, address to, uint256 amount) external;

    /// @notice Adds `token` to the asset list (governance).
    function addAsset(address token) external;

    /// @notice Pays one atomic-path leg's sell amount to its venue; callable only by the settlement.
    /// @dev The settlement calls it leg by leg, so a leg spends what the legs before it delivered. The
    /// venue must be allow-listed by governance and its output is measured at this vault.
    function pay(address token, address to, uint256 amount) external;

    /// @notice Moves rebalance sell amounts to the settlement's escrow; callable only by the settlement.
    /// @dev The settlement records the move as its audited `EscrowLocked` event; the vault adds no
    /// second copy of the same arrays (each token's own Transfer event is emitted regardless).
    function fundEscrow(address[] calldata tokens, uint256[] calldata amounts) external;
}
