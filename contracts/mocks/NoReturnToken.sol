// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice USDT-style token: `transfer`, `transferFrom` and `approve` return nothing, and `approve`
/// refuses to change a non-zero allowance to another non-zero value. 6 decimals. For tests.
contract NoReturnToken {
    // solhint-disable const-name-snakecase
    string public constant name = "Tether-like USD";
    string public constant symbol = "USDTL";
    uint8 public constant decimals = 6;
    // solhint-enable const-name-snakecase
    uint256 public totalSupply;
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    function mint(address to, uint256 amount) external {
        totalSupply += amount;
        balanceOf[to] += amount;
        emit Transfer(address(0), to, amount);
    }

    function transfer(address to, uint256 amount) external {
        _move(msg.sender, to, amount);
    }

    function transferFrom(address from, address to, uint256 amount) external {
        uint256 allowed = allowance[from][msg.sender];
        require(allowed >= amount); // solhint-disable-line gas-custom-errors
        if (allowed != type(uint256).max) allowance[from][msg.sender] = allowed - amount;
        _move(from, to, amount);
    }

    function approve(address spender, uint256 amount) external {
        require(amount == 0 || allowance[msg.sender][spender] == 0); // solhint-disable-line gas-custom-errors
        allowance[msg.sender][spender] = amount;
        emit Approval(msg.sender, spender, amount);
    }

    function _move(address from, address to, uint256 amount) private {
        require(balanceOf[from] >= amount); // solhint-disable-line gas-custom-errors
        balanceOf[from] -= amount;
        balanceOf[to] += amount;
        emit Transfer(from, to, amount);
    }
}
