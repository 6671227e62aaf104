// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {Time} from "@openzeppelin/contracts/utils/types/Time.sol";

/// @title PortfolioToken
/// @notice The DAO's voting token: a fixed supply minted once at deployment, votes by delegation
/// (ERC20Votes), gasless approvals (ERC20Permit).
/// @dev The ERC-6372 clock is the block timestamp, so the governor's voting delay and period are in
/// seconds, like the timelock's 48 h delay, on every chain whatever its block time.
contract PortfolioToken is ERC20, ERC20Permit, ERC20Votes {
    /// @param name_ Token name, also the EIP-712 domain name of permits.
    /// @param symbol_ Token symbol.
    /// @param recipient Receives the whole supply.
    /// @param supply The fixed supply, in the smallest unit (18 decimals).
    constructor(
        string memory name_,
        string memory symbol_,
        address recipient,
        uint256 supply
    ) ERC20(name_, symbol_) ERC20Permit(name_) {
        _mint(recipient, supply);
    }

    /// @notice The current timepoint of the votes clock: the block timestamp (ERC-6372).
    function clock() public view override returns (uint48) {
        return Time.timestamp();
    }

    /// @notice The votes clock's mode (ERC-6372).
    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() public pure override returns (string memory) {
        return "mode=timestamp";
    }

    /// @inheritdoc ERC20Permit
    function nonces(address owner) public view override(ERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }

    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Votes) {
        super._update(from, to, value);
    }
}
