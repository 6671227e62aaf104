// SPDX-License-Identifier: MIT
// solhint-disable one-contract-per-file
// (the handlers live beside the invariants they serve: the fuzzer only targets contracts from test files)
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IGuardianPausable} from "../../interfaces/IGuardianPausable.sol";
import {TestBase} from "../utils/TestBase.sol";
import {Vm} from "../utils/Vm.sol";
import {RegistryFixture} from "./RegistryFixture.sol";
import {IAudited} from "../../interfaces/IAudited.sol";
import {IModelRegistry} from "../../interfaces/IModelRegistry.sol";
import {ModelRegistry} from "../../registry/ModelRegistry.sol";
import {AuditChain} from "../../libraries/AuditChain.sol";

/// @notice Owns the registry (in place of the timelock) and drives it with random valid and invalid
/// changes. After each call it folds the AuditRecorded logs it saw into a ghost head, checking each
/// entry against the audited event just before it.
contract RegistryOwnerHandler is TestBase, RegistryFixture {
    ModelRegistry public registry;
    bytes32 public ghostHead;
    uint256 public ghostCount;
    uint256 public ghostParameterChanges;
    uint256 public ghostConstraintChanges;
    /// @dev Entries whose payload or event type did not match the audited event before them.
    uint256 public ghostMismatches;

    constructor() {
        vm.recordLogs();
        registry = _deployRegistry(address(this), address(0xBEEF));
        _fold();
        ghostParameterChanges = 1;
        ghostConstraintChanges = 1;
    }

    function setParameters(uint256 riskAversion, uint256 tau, uint16 slippage) external {
        IModelRegistry.StrategyParameters memory p = _parameters();
        // Roughly one call in eight is out of range and must change nothing.
        p.riskAversion = _bound(riskAversion, 0, 1_100 * WAD);
        p.tau = _bound(tau, 1, WAD + WAD / 8);
        p.maxSlippageBps = slippage;
        vm.recordLogs();
        try registry.setStrategyParameters(p) {
            ++ghostParameterChanges;
        } catch {} // solhint-disable-line no-empty-blocks
        _fold();
    }

    function setConstraints(uint256 weight, bytes32 contentHash) external {
        IModelRegistry.ConstraintSet memory c = _constraints();
        c.maxPositionWeight = _bound(weight, 0, WAD + WAD / 8);
        c.contentHash = contentHash;
        vm.recordLogs();
        try registry.setConstraintSet(c) {
            ++ghostConstraintChanges;
        } catch {} // solhint-disable-line no-empty-blocks
        _fold();
    }

    function toggleKeeper(uint8 who) external {
        address keeper = address(uint160(_bound(who, 1, 4)));
        vm.recordLogs();
        if (registry.isKeeper(keeper)) registry.removeKeeper(keeper);
        else registry.addKeeper(keeper);
        _fold();
    }

    function togglePause() external {
        vm.recordLogs();
        if (registry.paused()) registry.unpause();
        else registry.pause();
        _fold();
    }

    function pinBuild(bytes32 buildHash) external {
        vm.recordLogs();
        try registry.pinOptimizerBuild(buildHash, "0.2.0") {} catch {} // solhint-disable-line no-empty-blocks
        _fold();
    }

    /// @dev Folds the AuditRecorded logs recorded since the last `vm.recordLogs()`.
    function _fold() private {
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter != address(registry) || logs[i].topics[0] != IAudited.AuditRecorded.selector) continue;
            (bytes32 prevHead, bytes32 payloadHash, bytes32 head) = abi.decode(
                logs[i].data,
                (bytes32, bytes32, bytes32)
            );
            uint256 index = uint256(logs[i].topics[1]);
            bytes32 eventType = logs[i].topics[2];
            if (index != ghostCount || prevHead != ghostHead) ++ghostMismatches;
            // The audited event is the log just before; its topic0 is the entry's event type.
            if (i == 0 || logs[i - 1].topics[0] != eventType) ++ghostMismatches;
            ghostHead = AuditChain.link(ghostHead, ghostCount, eventType, payloadHash);
            if (head != ghostHead) ++ghostMismatches;
            ++ghostCount;
        }
    }
}

/// @notice Calls every registry setter from random addresses; counts the calls that succeed.
contract RegistryIntruderHandler is TestBase, RegistryFixture {
    ModelRegistry private _registry;
    uint256 public ghostIntrusions;

    constructor(ModelRegistry registry) {
        _registry = registry;
    }

    function setParameters(address caller) external {
        _as(caller, abi.encodeCall(ModelRegistry.setStrategyParameters, (_parameters())));
    }

    function setConstraints(address caller) external {
        _as(caller, abi.encodeCall(ModelRegistry.setConstraintSet, (_constraints())));
    }

    function addKeeper(address caller) external {
        _as(caller, abi.encodeCall(ModelRegistry.addKeeper, (caller)));
    }

    function unpause(address caller) external {
        _as(caller, abi.encodeCall(IGuardianPausable.unpause, ()));
    }

    function transferOwnership(address caller) external {
        _as(caller, abi.encodeCall(Ownable.transferOwnership, (caller)));
    }

    function _as(address caller, bytes memory data) private {
        if (caller == _registry.owner()) return;
        vm.prank(caller);
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, ) = address(_registry).call(data);
        if (ok) ++ghostIntrusions;
    }
}

/// @notice Invariants of the registry under random owner changes and random intruders:
/// its audit head is the fold of the AuditRecorded logs, and only the owner moves its versions.
contract ModelRegistryInvariantsTest is TestBase {
    RegistryOwnerHandler private _owner;
    RegistryIntruderHandler private _intruder;
    ModelRegistry private _registry;

    function setUp() public {
        _owner = new RegistryOwnerHandler();
        _registry = _owner.registry();
        _intruder = new RegistryIntruderHandler(_registry);
        _targetContract(address(_owner));
        _targetContract(address(_intruder));
    }

    function invariant_AuditHeadIsFoldOfLogs() public view {
        vm.assertEq(_registry.auditHead(), _owner.ghostHead(), "head");
        vm.assertEq(_registry.auditCount(), _owner.ghostCount(), "count");
        vm.assertEq(_owner.ghostMismatches(), 0, "every entry links to the event before it");
    }

    function invariant_OnlyOwnerChangesState() public view {
        vm.assertEq(_intruder.ghostIntrusions(), 0, "no intruder call succeeded");
        vm.assertEq(_registry.parametersVersion(), _owner.ghostParameterChanges(), "parameters version");
        vm.assertEq(_registry.constraintSetVersion(), _owner.ghostConstraintChanges(), "constraints version");
        vm.assertEq(_registry.owner(), address(_owner), "owner");
    }
}
