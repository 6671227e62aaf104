// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {SettlementTestBase} from "./SettlementTestBase.sol";
import {Settlement} from "../../settlement/Settlement.sol";
import {PortfolioVault} from "../../vault/PortfolioVault.sol";
import {ChainlinkPriceOracle} from "../../oracle/ChainlinkPriceOracle.sol";
import {IGuardianPausable} from "../../interfaces/IGuardianPausable.sol";
import {IModelRegistry} from "../../interfaces/IModelRegistry.sol";
import {IPortfolioVault} from "../../interfaces/IPortfolioVault.sol";
import {IPriceOracle} from "../../interfaces/IPriceOracle.sol";
import {ISettlement} from "../../interfaces/ISettlement.sol";
import {MockAggregator} from "../../mocks/MockAggregator.sol";
import {RebalanceInstructionLib} from "../../libraries/RebalanceInstructionLib.sol";

/// @notice The guards every governance lever and entry point carries against malformed input: zero
/// addresses, tokens outside the universe, pause state errors, a maker delisted after lock.
contract SettlementGuardsTest is SettlementTestBase {
    function setUp() public {
        _deploySystem();
    }

    function test_GovernanceLeversRefuseTheZeroAddress() public {
        bytes memory zero = abi.encodeWithSelector(ISettlement.Settlement__ZeroAddress.selector);
        vm.expectRevert(zero);
        settlement.setPortfolio(address(0), true);
        vm.expectRevert(zero);
        settlement.setVenue(address(0), true);
        vm.expectRevert(zero);
        settlement.setMaker(address(0), true);
        vm.expectRevert(zero);
        settlement.setPortfolioPolicy(address(0), ISettlement.PortfolioPolicy(1e16, 1 days, 0));
        vm.expectRevert(zero);
        new Settlement(IModelRegistry(address(0)), IPriceOracle(address(oracle)), address(this), guardian);
        vm.expectRevert(zero);
        new Settlement(IModelRegistry(address(registry)), IPriceOracle(address(0)), address(this), guardian);
    }

    function test_VaultRefusesTheZeroAddress() public {
        vm.expectRevert(abi.encodeWithSelector(IPortfolioVault.Vault__ZeroAddress.selector));
        new PortfolioVault(address(this), address(0), assetList);
        vm.expectRevert(abi.encodeWithSelector(IPortfolioVault.Vault__ZeroAddress.selector));
        vault.withdraw(assetList[0], address(0), 1);
    }

    function test_RefusesASellTokenOutsideTheUniverse() public {
        address stranger = address(0x5747);
        RebalanceInstructionLib.RebalanceInstruction memory ins = _oneLeg(_leg(0, 1, 1e18, 1, address(venue)));
        ins.legs[0].sellToken = stranger;
        vm.expectRevert(abi.encodeWithSelector(ISettlement.Settlement__LegNotInUniverse.selector, 0, stranger));
        settlement.settle(ins);
    }

    function test_PauseAndUnpauseRefuseTheStateTheyWouldLeave() public {
        vm.expectRevert(
            abi.encodeWithSelector(IGuardianPausable.GuardianPausable__UnexpectedPauseState.selector, false)
        );
        settlement.unpause();
        vm.prank(guardian);
        settlement.pause();
        vm.prank(guardian);
        vm.expectRevert(
            abi.encodeWithSelector(IGuardianPausable.GuardianPausable__UnexpectedPauseState.selector, true)
        );
        settlement.pause();
    }

    /// @dev Delisting a maker takes effect on its pending legs too: it can no longer fill them.
    function test_AMakerDelistedAfterLockCannotFill() public {
        address maker = address(0x3A4E);
        _addMaker(maker);
        RebalanceInstructionLib.RebalanceInstruction memory ins = _oneLeg(_leg(0, 1, 1_000e18, 1_000e18, maker));
        settlement.lock(ins);
        settlement.setMaker(maker, false);
        vm.prank(maker);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.Settlement__MakerNotAllowed.selector, 0, maker));
        settlement.fill(ins.id, 0, 1_000e18);
    }

    function test_OracleReportsWhatGovernanceSet() public {
        MockAggregator uptime = new MockAggregator(0, 0);
        oracle.setSequencerFeed(uptime, 3600);
        oracle.setFeedBounds(assetList[0], 1, 2e8);
        ChainlinkPriceOracle.Sequencer memory seq = oracle.sequencer();
        vm.assertEq(address(seq.feed), address(uptime), "sequencer feed");
        vm.assertEq(seq.gracePeriod, 3600, "grace period");
        ChainlinkPriceOracle.Bounds memory bounds = oracle.boundsOf(assetList[0]);
        vm.assertEq(int256(bounds.minAnswer), 1, "min answer");
        vm.assertEq(int256(bounds.maxAnswer), 2e8, "max answer");
        ChainlinkPriceOracle.Feed memory feed = oracle.feedOf(assetList[0]);
        vm.assertTrue(feed.bounded, "bounded");
        vm.assertEq(feed.maxAge, type(uint32).max, "max age");
        vm.assertEq(feed.scaleExponent, 36 - 18 - 8, "scale exponent");
    }
}
