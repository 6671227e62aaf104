// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice ERC-20 that refuses transfers to or from blocked addresses, as USDC and USDT can. For tests.
contract BlocklistToken is ERC20 {
    /// @notice A transfer touched a blocked address.
    error BlocklistToken__Blocked(address account);

    mapping(address => bool) private _blocked;

    constructor() ERC20("Blocklist USD", "BUSD") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function setBlocked(address account, bool blocked) external {
        _blocked[account] = blocked;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (_blocked[from]) revert BlocklistToken__Blocked(from);
        if (_blocked[to]) revert BlocklistToken__Blocked(to);
        super._update(from, to, value);
    }
}
