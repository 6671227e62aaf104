// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IModelRegistry} from "../../interfaces/IModelRegistry.sol";
import {ModelRegistry} from "../../registry/ModelRegistry.sol";

/// @notice Valid registry values and a registry deployed with them.
abstract contract RegistryFixture {
    uint256 internal constant WAD = 1e18;

    function _parameters() internal pure returns (IModelRegistry.StrategyParameters memory) {
        return
            IModelRegistry.StrategyParameters({
                optimizerType: IModelRegistry.OptimizerType.MARKOWITZ,
                riskAversion: 25e17,
                tau: 5e16,
                riskBudgetsHash: bytes32(0),
                driftThreshold: 5e16,
                volatilityBudget: 2e17,
                rebalanceCalendar: "0 0 * * 1",
                maxSlippageBps: 50
            });
    }

    function _constraints() internal pure returns (IModelRegistry.ConstraintSet memory) {
        return
            IModelRegistry.ConstraintSet({
                contentHash: keccak256("constraints-v1"),
                uri: "ipfs://constraints-v1",
                maxPositionWeight: 3e17,
                maxTurnover: 5e17
            });
    }

    function _genesis() internal pure returns (IModelRegistry.Genesis memory genesis) {
        genesis.optimizerBuildHash = keccak256("optimizer-0.1.0");
        genesis.optimizerVersion = "0.1.0";
        genesis.parameters = _parameters();
        genesis.constraints = _constraints();
        genesis.viewSigners = new address[](1);
        genesis.viewSigners[0] = address(0x5161);
        genesis.keepers = new address[](1);
        genesis.keepers[0] = address(0x6EE9);
    }

    function _deployRegistry(address owner, address guardian) internal returns (ModelRegistry) {
        return new ModelRegistry(owner, guardian, _genesis());
    }
}
