// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {TestBase} from "../utils/TestBase.sol";
import {Settlement} from "../../settlement/Settlement.sol";
import {PortfolioVault} from "../../vault/PortfolioVault.sol";
import {ChainlinkPriceOracle} from "../../oracle/ChainlinkPriceOracle.sol";
import {IPriceOracle} from "../../interfaces/IPriceOracle.sol";
import {ISettlement} from "../../interfaces/ISettlement.sol";
import {IModelRegistry} from "../../interfaces/IModelRegistry.sol";
import {RebalanceInstructionLib} from "../../libraries/RebalanceInstructionLib.sol";
import {MockModelRegistry} from "../../mocks/MockModelRegistry.sol";
import {MockERC20} from "../../mocks/MockERC20.sol";
import {MockAggregator} from "../../mocks/MockAggregator.sol";
import {ConstantProductVenue} from "../../mocks/ConstantProductVenue.sol";

/// @notice A settlement system over three $1 18-decimal tokens and a constant-product venue double
/// (Uniswap's 0.5/0.6 bytecode cannot be imported here; the mocha tests use real Uniswap V2 pairs).
/// Limits are loose so that fuzzed trades exercise the escrow and leg logic; the mocha tests cover
/// each risk check.
abstract contract SettlementTestBase is TestBase {
    bytes32 internal constant BUILD = keccak256("optimizer-build");
    uint256 internal constant N = 3;
    uint256 internal constant HOLDING = 1_000_000e18;
    uint256 internal constant POOL = 10_000_000e18;

    MockModelRegistry internal registry;
    ChainlinkPriceOracle internal oracle;
    Settlement internal settlement;
    PortfolioVault internal vault;
    ConstantProductVenue internal venue;
    MockERC20[] internal tokens;
    address[] internal assetList;
    address internal guardian = address(0x6A4D);

    uint256 private _idCounter;

    function _deploySystem() internal {
        registry = new MockModelRegistry();
        registry.setOptimizerBuildHash(BUILD);
        registry.setKeeper(address(this), true);
        registry.setLimits(10_000, 1e18, 1e18, 1e18);
        oracle = new ChainlinkPriceOracle(address(this));
        settlement = new Settlement(
            IModelRegistry(address(registry)),
            IPriceOracle(address(oracle)),
            address(this),
            guardian
        );
        venue = new ConstantProductVenue();
        for (uint256 i; i < N; ++i) {
            MockERC20 token = new MockERC20("T", "T", 18);
            MockAggregator feed = new MockAggregator(8, 1e8);
            oracle.setFeed(address(token), feed, type(uint32).max);
            token.mint(address(this), POOL);
            token.approve(address(venue), POOL);
            venue.seed(address(token), POOL);
            tokens.push(token);
            assetList.push(address(token));
        }
        vault = new PortfolioVault(address(this), address(settlement), assetList);
        for (uint256 i; i < N; ++i) {
            tokens[i].mint(address(vault), HOLDING);
        }
        settlement.setPortfolio(address(vault), true);
        settlement.setVenue(address(venue), true);
        settlement.setMaker(address(this), true);
        settlement.setPortfolioPolicy(address(vault), ISettlement.PortfolioPolicy(1e18, 1 days, 0));
    }

    /// @dev Allows `maker` on the RFQ path and gives it `HOLDING` of every token, approved to the settlement.
    function _addMaker(address maker) internal {
        settlement.setMaker(maker, true);
        for (uint256 i; i < N; ++i) {
            tokens[i].mint(maker, HOLDING);
            vm.prank(maker);
            tokens[i].approve(address(settlement), type(uint256).max);
        }
    }

    function _targets() internal pure returns (uint256[] memory targets) {
        targets = new uint256[](N);
        targets[0] = 333_333_333_333_333_333;
        targets[1] = 333_333_333_333_333_333;
        targets[2] = 333_333_333_333_333_334;
    }

    function _leg(
        uint256 sell,
        uint256 buy,
        uint256 amountIn,
        uint256 minAmountOut,
        address legVenue
    ) internal view returns (RebalanceInstructionLib.Leg memory) {
        return RebalanceInstructionLib.Leg(assetList[sell], assetList[buy], amountIn, minAmountOut, legVenue);
    }

    function _instruction(
        RebalanceInstructionLib.Leg[] memory legs
    ) internal returns (RebalanceInstructionLib.RebalanceInstruction memory ins) {
        _idCounter += 1;
        ins.id = keccak256(abi.encode("instruction", _idCounter));
        ins.portfolio = address(vault);
        ins.optimiserBuildHash = BUILD;
        ins.inputsHash = keccak256("inputs");
        ins.targetWeights = _targets();
        ins.legs = legs;
        ins.deadline = uint64(block.timestamp + 1 hours);
        ins.nonce = settlement.lastNonce(address(vault)) + 1;
    }

    function _oneLeg(
        RebalanceInstructionLib.Leg memory leg
    ) internal returns (RebalanceInstructionLib.RebalanceInstruction memory) {
        RebalanceInstructionLib.Leg[] memory legs = new RebalanceInstructionLib.Leg[](1);
        legs[0] = leg;
        return _instruction(legs);
    }

    function _vaultBalances() internal view returns (uint256[] memory balances) {
        balances = new uint256[](N);
        for (uint256 i; i < N; ++i) {
            balances[i] = tokens[i].balanceOf(address(vault));
        }
    }

    function _assertEscrowEmpty() internal view {
        for (uint256 i; i < N; ++i) {
            vm.assertEq(tokens[i].balanceOf(address(settlement)), 0, "escrow holds zero");
        }
    }
}
