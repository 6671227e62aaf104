// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {SettlementTestBase} from "./SettlementTestBase.sol";
import {ISettlement} from "../../interfaces/ISettlement.sol";
import {PortfolioVault} from "../../vault/PortfolioVault.sol";
import {RebalanceInstructionLib} from "../../libraries/RebalanceInstructionLib.sol";
import {BlocklistToken} from "../../mocks/BlocklistToken.sol";
import {MockAggregator} from "../../mocks/MockAggregator.sol";

/// @notice What a hostile maker or a random caller can do with the RFQ path, and what stops it.
contract SettlementRfqTest is SettlementTestBase {
    address internal maker = address(0x3A4E);

    function setUp() public {
        _deploySystem();
        _addMaker(maker);
    }

    /// @dev A leg may only name an allow-listed maker; `address(0)` ("anyone") is not one.
    function testFuzz_LegMustNameAllowedMaker(address stranger) public {
        vm.assume(stranger != maker && stranger != address(this));
        RebalanceInstructionLib.RebalanceInstruction memory ins = _oneLeg(_leg(0, 1, 1e18, 1e18, stranger));
        vm.expectRevert(abi.encodeWithSelector(ISettlement.Settlement__MakerNotAllowed.selector, 0, stranger));
        settlement.lock(ins);
    }

    /// @dev Attack: a maker overfills its leg so that the portfolio misses its targets and `finalize`
    /// halts everything. A fill is exactly the leg's limit; nothing else is accepted.
    function testFuzz_OverfillRefused(uint256 extra) public {
        RebalanceInstructionLib.RebalanceInstruction memory ins = _oneLeg(_leg(0, 1, 1e18, 1e18, maker));
        settlement.lock(ins);
        uint256 out = 1e18 + _bound(extra, 1, HOLDING - 1e18);
        vm.prank(maker);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.Settlement__FillAmount.selector, 0, out, 1e18));
        settlement.fill(ins.id, 0, out);
    }

    /// @dev Only a keeper or one of the instruction's makers finalises; a failed post-trade check then
    /// rolls back and halts that portfolio only: the settlement is not paused.
    function testFuzz_FinalizeCallersAndPortfolioHalt(address stranger) public {
        vm.assume(stranger != maker && stranger != address(this));
        RebalanceInstructionLib.RebalanceInstruction memory ins = _oneLeg(_leg(0, 1, 1e18, 1e18, maker));
        settlement.lock(ins);
        vm.prank(maker);
        settlement.fill(ins.id, 0, 1e18);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.Settlement__NotFinalizer.selector, ins.id, stranger));
        settlement.finalize(ins.id);

        registry.setLimits(10_000, 1, 1e18, 1e18); // no weight can land within 1 wei of its target
        vm.prank(maker);
        vm.assertFalse(settlement.finalize(ins.id), "rolled back");
        vm.assertEq(settlement.haltedBy(address(vault)), ins.id, "the portfolio halts");
        vm.assertFalse(settlement.paused(), "the settlement does not");
        _assertEscrowEmpty();
    }

    /// @dev Attack: a keeper re-sends an id already used. The portfolio's last id is refused on both
    /// paths whatever the nonce; the two-step path refuses every id it stored, even after later
    /// instructions. An older id re-sent atomically is left to the nonce (no per-id slot on the
    /// atomic path) and the stored record of the two-step instruction it named is kept.
    function test_UsedIdsRefused() public {
        RebalanceInstructionLib.RebalanceInstruction memory rfq = _oneLeg(_leg(0, 1, 1e18, 1e18, maker));
        settlement.lock(rfq);
        settlement.rollback(rfq.id);
        RebalanceInstructionLib.RebalanceInstruction memory atomic = _oneLeg(_leg(0, 1, 1e18, 1, address(venue)));
        vm.assertTrue(settlement.settle(atomic), "settled");
        vm.assertEq(settlement.lastInstructionId(address(vault)), atomic.id, "the atomic id is the last");

        uint64 next = uint64(settlement.lastNonce(address(vault)) + 1);
        rfq.nonce = next;
        vm.expectRevert(
            abi.encodeWithSelector(
                ISettlement.Settlement__InstructionExists.selector,
                rfq.id,
                ISettlement.Status.RolledBack
            )
        );
        settlement.lock(rfq);
        atomic.nonce = next;
        bytes memory exists = abi.encodeWithSelector(
            ISettlement.Settlement__InstructionExists.selector,
            atomic.id,
            ISettlement.Status.Finalized
        );
        vm.expectRevert(exists);
        settlement.settle(atomic);
        RebalanceInstructionLib.RebalanceInstruction memory asRfq = _oneLeg(_leg(0, 1, 1e18, 1e18, maker));
        asRfq.id = atomic.id;
        vm.expectRevert(exists);
        settlement.lock(asRfq);

        RebalanceInstructionLib.RebalanceInstruction memory older = _oneLeg(_leg(0, 1, 1e18, 1, address(venue)));
        older.id = rfq.id;
        vm.assertTrue(settlement.settle(older), "an older id, re-sent atomically, is left to the nonce");
        vm.assertEq(uint256(settlement.statusOf(rfq.id)), uint256(ISettlement.Status.RolledBack), "record kept");
        vm.assertEq(settlement.lastInstructionId(address(vault)), rfq.id, "and it is the last now");
    }

    /// @dev A token that refuses the transfer back to the vault (paused, or blocking the vault) cannot
    /// freeze the vault: the rollback completes, the amount is owed, and governance recovers it.
    function test_BlockedReturnToVaultIsRecoverable() public {
        BlocklistToken blk = new BlocklistToken();
        oracle.setFeed(address(blk), new MockAggregator(8, 1e8), type(uint32).max);
        address[] memory list = new address[](2);
        list[0] = address(blk);
        list[1] = assetList[1];
        PortfolioVault other = new PortfolioVault(address(this), address(settlement), list);
        blk.mint(address(other), 100e18);
        tokens[1].mint(address(other), 100e18);
        settlement.setPortfolio(address(other), true);
        settlement.setPortfolioPolicy(address(other), ISettlement.PortfolioPolicy(1e18, 1 days, 0));

        RebalanceInstructionLib.Leg[] memory legs = new RebalanceInstructionLib.Leg[](1);
        legs[0] = RebalanceInstructionLib.Leg(address(blk), assetList[1], 10e18, 10e18, maker);
        RebalanceInstructionLib.RebalanceInstruction memory ins = _instruction(legs);
        ins.portfolio = address(other);
        ins.nonce = 1;
        ins.targetWeights = new uint256[](2);
        ins.targetWeights[0] = 0.45e18;
        ins.targetWeights[1] = 0.55e18;
        settlement.lock(ins);

        blk.setBlocked(address(other), true);
        settlement.rollback(ins.id);
        vm.assertEq(settlement.pendingOf(address(other)), bytes32(0), "the vault is free");
        vm.assertEq(settlement.owed(address(other), address(blk)), 10e18, "owed to the vault");

        vm.prank(address(0xBAD));
        vm.expectRevert();
        settlement.recover(address(other), address(blk));
        vm.expectRevert(); // still blocked: it stays owed
        settlement.recover(address(other), address(blk));
        blk.setBlocked(address(other), false);
        vm.assertEq(settlement.recover(address(other), address(blk)), 10e18, "recovered");
        vm.assertEq(blk.balanceOf(address(other)), 100e18, "vault whole again");
        vm.assertEq(settlement.owed(address(other), address(blk)), 0, "nothing owed any more");
    }
}
