// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {SettlementTestBase} from "./SettlementTestBase.sol";
import {ISettlement} from "../../interfaces/ISettlement.sol";
import {RebalanceInstructionLib} from "../../libraries/RebalanceInstructionLib.sol";

contract SettlementRollbackTest is SettlementTestBase {
    address internal maker = address(0x3A4E);

    function setUp() public {
        _deploySystem();
        _addMaker(maker);
    }

    function _rfq(
        uint256 legs,
        uint256 seed
    ) internal returns (RebalanceInstructionLib.RebalanceInstruction memory ins) {
        RebalanceInstructionLib.Leg[] memory list = new RebalanceInstructionLib.Leg[](legs);
        for (uint256 i; i < legs; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            uint256 sell = r % N;
            uint256 buy = (sell + 1 + ((r >> 8) % (N - 1))) % N;
            list[i] = _leg(sell, buy, _bound(r >> 16, 1, HOLDING / 10), _bound(r >> 128, 1, HOLDING / 10), maker);
        }
        ins = _instruction(list);
    }

    /// @dev Whatever was filled, a rollback after the deadline restores the vault and the maker exactly
    /// and leaves the escrow empty.
    function testFuzz_RollbackRestoresExactly(uint256 seed, uint8 legCount, uint8 fillMask, uint32 lateBy) public {
        uint256 n = _bound(legCount, 1, 6);
        RebalanceInstructionLib.RebalanceInstruction memory ins = _rfq(n, seed);
        uint256[] memory vaultBefore = _vaultBalances();
        uint256[] memory makerBefore = new uint256[](N);
        for (uint256 i; i < N; ++i) makerBefore[i] = tokens[i].balanceOf(maker);

        vm.assertTrue(settlement.lock(ins), "locked");
        for (uint256 i; i < n; ++i) {
            if ((fillMask >> i) & 1 == 1) {
                vm.prank(maker);
                settlement.fill(ins.id, i, ins.legs[i].minAmountOut);
            }
        }
        vm.warp(uint256(ins.deadline) + 1 + lateBy);
        vm.prank(address(0xCAFE));
        settlement.rollback(ins.id);

        uint256[] memory vaultAfter = _vaultBalances();
        for (uint256 i; i < N; ++i) {
            vm.assertEq(vaultAfter[i], vaultBefore[i], "vault restored exactly");
            vm.assertEq(tokens[i].balanceOf(maker), makerBefore[i], "maker refunded exactly");
        }
        _assertEscrowEmpty();
        vm.assertEq(uint256(settlement.statusOf(ins.id)), uint256(ISettlement.Status.RolledBack), "status");
        vm.assertEq(settlement.pendingOf(address(vault)), bytes32(0), "vault released");
    }

    /// @dev Filled and finalised: every leg delivered exactly its fill, every maker got exactly the sell
    /// amount, escrow empty; a second finalize or a rollback is refused.
    function testFuzz_FinalizeOnceAtFilledPrices(uint256 seed, uint8 legCount) public {
        uint256 n = _bound(legCount, 1, 6);
        RebalanceInstructionLib.RebalanceInstruction memory ins = _rfq(n, seed);
        settlement.lock(ins);
        int256[] memory expected = new int256[](N);
        uint256[] memory before = _vaultBalances();
        for (uint256 i; i < N; ++i) expected[i] = int256(before[i]);
        for (uint256 i; i < n; ++i) {
            uint256 out = ins.legs[i].minAmountOut;
            vm.prank(maker);
            settlement.fill(ins.id, i, out);
            expected[_index(ins.legs[i].buyToken)] += int256(out);
        }
        // `before` was read after lock: sold amounts are already in escrow.
        vm.assertTrue(settlement.finalize(ins.id), "finalized");
        uint256[] memory afterBalances = _vaultBalances();
        for (uint256 i; i < N; ++i) vm.assertEq(afterBalances[i], uint256(expected[i]), "vault = fills");
        _assertEscrowEmpty();

        vm.expectRevert(
            abi.encodeWithSelector(ISettlement.Settlement__NotPending.selector, ins.id, ISettlement.Status.Finalized)
        );
        settlement.finalize(ins.id);
        vm.expectRevert(
            abi.encodeWithSelector(ISettlement.Settlement__NotPending.selector, ins.id, ISettlement.Status.Finalized)
        );
        settlement.rollback(ins.id);
    }

    function _index(address token) private view returns (uint256) {
        for (uint256 i; i < N; ++i) if (assetList[i] == token) return i;
        revert("unknown token");
    }
}
