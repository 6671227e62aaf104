// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {AuditedOwnable2Step} from "../audit/AuditedOwnable2Step.sol";
import {IPortfolioVault} from "../interfaces/IPortfolioVault.sol";
import {CodeAddressList} from "../libraries/CodeAddressList.sol";
import {ISettlement} from "../interfaces/ISettlement.sol";

/// @title PortfolioVault
/// @notice Holds one DAO portfolio's ERC-20 assets. Governance deposits, withdraws and curates the
/// asset list; the settlement contract is the only other party that moves assets, and only into its
/// own escrow or, leg by leg, to an allow-listed venue while settling a rebalance. Every change
/// governance makes is audited.
/// @dev While the settlement holds a pending two-step instruction for this vault, deposits,
/// withdrawals and asset-list changes wait: the instruction's pre-trade snapshot and its target
/// weights (indexed by the asset list) must stay meaningful until it finalises or rolls back.
contract PortfolioVault is IPortfolioVault, AuditedOwnable2Step, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    address private immutable _SETTLEMENT;
    /// @dev The asset list lives in a data contract's code ({CodeAddressList}), pointer and length
    /// in one slot: the settlement reads the whole list on every rebalance, governance rarely changes it.
    address private _assetList;
    uint96 private _assetCount;
    mapping(address token => bool) private _isAsset;

    /// @param governance Owner: the DAO timelock.
    /// @param settlement_ The settlement contract allowed to fund its escrow from this vault.
    /// @param assets_ Initial asset list, in target-weight order.
    constructor(address governance, address settlement_, address[] memory assets_) Ownable(governance) {
        if (settlement_ == address(0)) revert Vault__ZeroAddress();
        _SETTLEMENT = settlement_;
        for (uint256 i; i < assets_.length; ++i) {
            _admitAsset(assets_[i]);
        }
        _writeAssets(assets_);
        for (uint256 i; i < assets_.length; ++i) {
            _emitAssetAdded(assets_[i], i);
        }
    }

    modifier onlySettlement() {
        if (msg.sender != _SETTLEMENT) revert Vault__NotSettlement(msg.sender);
        _;
    }

    modifier whenIdle() {
        bytes32 pending = ISettlement(_SETTLEMENT).pendingOf(address(this));
        if (pending != bytes32(0)) revert Vault__RebalancePending(pending);
        _;
    }

    /// @inheritdoc IPortfolioVault
    function settlement() external view returns (address) {
        return _SETTLEMENT;
    }

    /// @inheritdoc IPortfolioVault
    function assets() external view returns (address[] memory) {
        return _readAssets();
    }

    /// @inheritdoc IPortfolioVault
    function isAsset(address token) external view returns (bool) {
        return _isAsset[token];
    }

    /// @inheritdoc IPortfolioVault
    function holdings() external view returns (address[] memory tokens, uint256[] memory amounts) {
        tokens = _readAssets();
        amounts = _balancesOf(tokens);
    }

    /// @inheritdoc IPortfolioVault
    function balances() external view returns (uint256[] memory) {
        return _balancesOf(_readAssets());
    }

    /// @inheritdoc IPortfolioVault
    function deposit(address token, uint256 amount) external onlyOwner whenIdle nonReentrant {
        if (!_isAsset[token]) revert Vault__UnknownAsset(token);
        emit Deposited(token, msg.sender, amount);
        _recordAudit(Deposited.selector, keccak256(abi.encode(token, msg.sender, amount)));
        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc IPortfolioVault
    function withdraw(address token, address to, uint256 amount) external onlyOwner whenIdle nonReentrant {
        if (to == address(0)) revert Vault__ZeroAddress();
        emit Withdrawn(token, to, amount);
        _recordAudit(Withdrawn.selector, keccak256(abi.encode(token, to, amount)));
        IERC20(token).safeTransfer(to, amount);
    }

    /// @inheritdoc IPortfolioVault
    function addAsset(address token) external onlyOwner whenIdle {
        address[] memory current = _readAssets();
        uint256 n = current.length;
        _admitAsset(token);
        address[] memory next = new address[](n + 1);
        for (uint256 i; i < n; ++i) {
            next[i] = current[i];
        }
        next[n] = token;
        _writeAssets(next);
        _emitAssetAdded(token, n);
    }

    /// @inheritdoc IPortfolioVault
    function pay(address token, address to, uint256 amount) external onlySettlement {
        IERC20(token).safeTransfer(to, amount);
    }

    /// @inheritdoc IPortfolioVault
    function fundEscrow(address[] calldata tokens, uint256[] calldata amounts) external onlySettlement {
        uint256 n = tokens.length;
        if (amounts.length != n) revert Vault__LengthMismatch(n, amounts.length);
        for (uint256 i; i < n; ++i) {
            IERC20(tokens[i]).safeTransfer(msg.sender, amounts[i]);
        }
    }

    /// @dev Checks and marks `token` as an asset; the caller writes the list, then emits.
    function _admitAsset(address token) private {
        if (token == address(0)) revert Vault__ZeroAddress();
        if (_isAsset[token]) revert Vault__DuplicateAsset(token);
        _isAsset[token] = true;
    }

    function _emitAssetAdded(address token, uint256 index) private {
        emit AssetAdded(token, index);
        _recordAudit(AssetAdded.selector, keccak256(abi.encode(token, index)));
    }

    function _writeAssets(address[] memory list) private {
        _assetList = list.length == 0 ? address(0) : CodeAddressList.write(list);
        _assetCount = uint96(list.length);
    }

    function _balancesOf(address[] memory tokens) private view returns (uint256[] memory amounts) {
        uint256 n = tokens.length;
        amounts = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            amounts[i] = IERC20(tokens[i]).balanceOf(address(this));
        }
    }

    function _readAssets() private view returns (address[] memory) {
        return CodeAddressList.read(_assetList, _assetCount);
    }
}
