// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {SettlementTestBase} from "./SettlementTestBase.sol";
import {Vm} from "../utils/Vm.sol";
import {ISettlement} from "../../interfaces/ISettlement.sol";
import {IVenueAdapter} from "../../interfaces/IVenueAdapter.sol";
import {RebalanceInstructionLib} from "../../libraries/RebalanceInstructionLib.sol";

contract SettlementSettleTest is SettlementTestBase {
    function setUp() public {
        _deploySystem();
    }

    /// @dev Any single leg at its quoted limit settles; escrow ends empty; the vault loses exactly
    /// the sell amount and gains at least the limit.
    function testFuzz_AtomicLegMovesExactlyAndEmptiesEscrow(uint256 amountIn, uint8 sellSeed, uint8 buySeed) public {
        uint256 sell = sellSeed % N;
        uint256 buy = (sell + 1 + (buySeed % (N - 1))) % N;
        amountIn = _bound(amountIn, 1e6, HOLDING);
        uint256 minOut = venue.quote(assetList[sell], assetList[buy], amountIn);
        vm.assume(minOut > 0);
        uint256[] memory before = _vaultBalances();
        RebalanceInstructionLib.RebalanceInstruction memory ins = _oneLeg(
            _leg(sell, buy, amountIn, minOut, address(venue))
        );

        vm.assertTrue(settlement.settle(ins), "finalized");

        uint256[] memory afterBalances = _vaultBalances();
        vm.assertEq(afterBalances[sell], before[sell] - amountIn, "sold exactly amountIn");
        vm.assertGe(afterBalances[buy], before[buy] + minOut, "bought at least the limit");
        _assertEscrowEmpty();
        vm.assertEq(settlement.lastInstructionId(ins.portfolio), ins.id, "last instruction");
        vm.assertEq(uint256(settlement.statusOf(ins.id)), 0, "no per-id record on the atomic path");
    }

    /// @dev A limit above what the venue gives reverts the whole settlement; nothing moves.
    function testFuzz_LegAboveMarketReverts(uint256 amountIn, uint256 excess) public {
        amountIn = _bound(amountIn, 1e6, HOLDING);
        uint256 quoted = venue.quote(assetList[0], assetList[1], amountIn);
        uint256 minOut = quoted + _bound(excess, 1, 1e30);
        uint256[] memory before = _vaultBalances();
        RebalanceInstructionLib.RebalanceInstruction memory ins = _oneLeg(_leg(0, 1, amountIn, minOut, address(venue)));
        vm.expectRevert(abi.encodeWithSelector(IVenueAdapter.Venue__InsufficientOutput.selector, quoted, minOut));
        settlement.settle(ins);
        uint256[] memory afterBalances = _vaultBalances();
        for (uint256 i; i < N; ++i) vm.assertEq(afterBalances[i], before[i], "nothing moved");
        vm.assertEq(uint256(settlement.statusOf(ins.id)), 0, "id unused");
    }

    /// @dev The portfolio's last id is refused whatever nonce the replay carries.
    function testFuzz_IdSettlesOnce(uint256 nonceBump) public {
        RebalanceInstructionLib.RebalanceInstruction memory ins = _oneLeg(_leg(0, 1, 1e18, 1, address(venue)));
        settlement.settle(ins);
        ins.nonce += _bound(nonceBump, 1, type(uint128).max);
        vm.expectRevert(
            abi.encodeWithSelector(
                ISettlement.Settlement__InstructionExists.selector,
                ins.id,
                ISettlement.Status.Finalized
            )
        );
        settlement.settle(ins);
    }

    /// @dev Nonces are strictly sequential: anything but `last + 1` (a stale one, or a huge one that
    /// would brick the portfolio by exhausting the nonce space) reverts before any transfer.
    function testFuzz_NonceMustBeNext(uint256 nonce) public {
        RebalanceInstructionLib.RebalanceInstruction memory first = _oneLeg(_leg(0, 1, 1e18, 1, address(venue)));
        settlement.settle(first);
        RebalanceInstructionLib.RebalanceInstruction memory ins = _oneLeg(_leg(0, 1, 1e18, 1, address(venue)));
        vm.assume(nonce != 2);
        ins.nonce = nonce;
        uint256[] memory before = _vaultBalances();
        vm.expectRevert(
            abi.encodeWithSelector(ISettlement.Settlement__NonceNotNext.selector, address(vault), nonce, 2)
        );
        settlement.settle(ins);
        vm.assertEq(_vaultBalances()[0], before[0], "nothing moved");
        ins.nonce = 2;
        vm.assertTrue(settlement.settle(ins), "the next nonce settles");
    }

    /// @dev Attack: a huge nonce used to brick a portfolio (the next would have nowhere to go). It is
    /// refused, and the portfolio keeps settling with `last + 1`.
    function test_HugeNonceCannotBrick() public {
        RebalanceInstructionLib.RebalanceInstruction memory ins = _oneLeg(_leg(0, 1, 1e18, 1, address(venue)));
        ins.nonce = type(uint64).max;
        vm.expectRevert(
            abi.encodeWithSelector(ISettlement.Settlement__NonceNotNext.selector, address(vault), type(uint64).max, 1)
        );
        settlement.settle(ins);
        ins.nonce = 1;
        vm.assertTrue(settlement.settle(ins), "still settles");
    }

    /// @dev Any keeper key may sign; any other key is refused with its address.
    function testFuzz_SignedInstruction(uint256 keeperKey, uint256 otherKey) public {
        keeperKey = _bound(keeperKey, 1, 2 ** 128);
        otherKey = _bound(otherKey, 1, 2 ** 128);
        vm.assume(keeperKey != otherKey);
        address keeper = vm.addr(keeperKey);
        address other = vm.addr(otherKey);
        registry.setKeeper(keeper, true);
        RebalanceInstructionLib.RebalanceInstruction memory ins = _oneLeg(_leg(0, 2, 1e18, 1, address(venue)));
        bytes32 digest = settlement.hashTypedInstruction(ins);

        (uint8 v, bytes32 r, bytes32 s) = vm.sign(otherKey, digest);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.Settlement__NotKeeper.selector, other));
        settlement.settleSigned(ins, abi.encodePacked(r, s, v));

        (v, r, s) = vm.sign(keeperKey, digest);
        vm.prank(address(0xBEEF));
        vm.assertTrue(settlement.settleSigned(ins, abi.encodePacked(r, s, v)), "relayed");
    }

    /// @dev Many legs in one instruction: each at its limit, escrow empty after.
    function testFuzz_ManyLegs(uint256 seed, uint8 legCount) public {
        uint256 n = _bound(legCount, 1, 20);
        RebalanceInstructionLib.Leg[] memory legs = new RebalanceInstructionLib.Leg[](n);
        for (uint256 i; i < n; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            uint256 sell = r % N;
            uint256 buy = (sell + 1 + ((r >> 8) % (N - 1))) % N;
            uint256 amountIn = _bound(r >> 16, 1e15, HOLDING / 40);
            legs[i] = _leg(sell, buy, amountIn, 1, address(venue));
        }
        settlement.settle(_instruction(legs));
        _assertEscrowEmpty();
    }

    /// @dev Legs that buy what other legs sell, or the same token twice: the amounts out the
    /// settlement measured (SettlementFinalized) account for every unit the vault gained, per token:
    /// Σ out(buy = k) − Σ in(sell = k) = balance_k after − balance_k before.
    function testFuzz_MeasuredAmountsOutAccountForEveryUnit(uint256 seed, uint8 legCount) public {
        uint256 n = _bound(legCount, 1, 12);
        RebalanceInstructionLib.Leg[] memory legs = new RebalanceInstructionLib.Leg[](n);
        for (uint256 i; i < n; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            uint256 sell = r % N;
            uint256 buy = (sell + 1 + ((r >> 8) % (N - 1))) % N;
            legs[i] = _leg(sell, buy, _bound(r >> 16, 1e15, HOLDING / 40), 1, address(venue));
        }
        uint256[] memory before = _vaultBalances();
        vm.recordLogs();
        settlement.settle(_instruction(legs));
        uint256[] memory amountsOut = _finalizedAmountsOut();
        uint256[] memory afterBalances = _vaultBalances();
        vm.assertEq(amountsOut.length, n, "one amount per leg");
        for (uint256 k; k < N; ++k) {
            uint256 gained;
            uint256 sold;
            for (uint256 i; i < n; ++i) {
                if (legs[i].buyToken == assetList[k]) gained += amountsOut[i];
                if (legs[i].sellToken == assetList[k]) sold += legs[i].amountIn;
                if (legs[i].buyToken == assetList[k]) vm.assertGt(amountsOut[i], 0, "each leg measured a gain");
            }
            vm.assertEq(before[k] + gained, afterBalances[k] + sold, "every unit accounted for");
        }
    }

    function _finalizedAmountsOut() private returns (uint256[] memory amountsOut) {
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; ++i) {
            if (
                logs[i].emitter == address(settlement) && logs[i].topics[0] == ISettlement.SettlementFinalized.selector
            ) {
                (, , , amountsOut) = abi.decode(logs[i].data, (uint256, uint256, uint256[], uint256[]));
            }
        }
    }
}
