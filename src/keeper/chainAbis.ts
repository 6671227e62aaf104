// The slices of the contracts' ABIs the keeper and the auditor call (contracts/interfaces/).
import { parseAbi } from "viem";

const INSTRUCTION =
  "(bytes32 id, address portfolio, bytes32 optimiserBuildHash, bytes32 inputsHash, uint256[] targetWeights, (address sellToken, address buyToken, uint256 amountIn, uint256 minAmountOut, address venue)[] legs, uint64 deadline, uint256 nonce)";

/** ISettlement: the atomic entry point, the reads, the events and every custom error (for decoding reverts). */
export const settlementAbi = parseAbi([
  `function settle(${INSTRUCTION} instruction) returns (bool finalized)`,
  "function registry() view returns (address)",
  "function oracle() view returns (address)",
  "function statusOf(bytes32 id) view returns (uint8)",
  "function lastNonce(address portfolio) view returns (uint256)",
  "function paused() view returns (bool)",
  "function haltedBy(address portfolio) view returns (bytes32)",
  "function lossUsed(address portfolio) view returns (uint256)",
  "event PortfolioOptimized(bytes32 indexed id, address indexed portfolio, uint256[] targetWeights, bytes32 inputsHash, bytes32 optimiserBuildHash)",
  "event SettlementFinalized(bytes32 indexed id, address indexed portfolio, uint256 navBefore, uint256 navAfter, uint256[] holdings, uint256[] amountsOut)",
  "event RebalanceInstructionIssued(bytes32 indexed id, address indexed portfolio, address indexed keeper, bytes32 instructionHash, uint256 nonce, uint64 deadline)",
  "error Settlement__NotKeeper(address account)",
  "error Settlement__UnknownPortfolio(address portfolio)",
  "error Settlement__VenueNotAllowed(uint256 leg, address venue)",
  "error Settlement__BuildHashMismatch(bytes32 expected, bytes32 got)",
  "error Settlement__InstructionExists(bytes32 id, uint8 status)",
  "error Settlement__NonceNotNext(address portfolio, uint256 nonce, uint256 expected)",
  "error Settlement__Expired(uint64 deadline, uint256 timestamp)",
  "error GuardianPausable__UnexpectedPauseState(bool paused)",
  "error Settlement__PortfolioHalted(address portfolio, bytes32 breachedId)",
  "error Settlement__RegistryPaused()",
  "error Settlement__LimitBelowOracleFloor(uint256 leg, uint256 floor, uint256 value)",
  "error Settlement__InsufficientBalance(uint256 leg, address token, uint256 available, uint256 amountIn)",
  "error Settlement__LegCount(uint256 legs, uint256 max)",
  "error Settlement__InvalidLeg(uint256 leg)",
  "error Settlement__LegNotInUniverse(uint256 leg, address token)",
  "error Settlement__TargetsLength(uint256 got, uint256 assets)",
  "error Settlement__TargetsSum(uint256 sum)",
  "error Settlement__FeeOnTransfer(address token, uint256 expected, uint256 received)",
  "error Settlement__LegBelowLimit(uint256 leg, uint256 got, uint256 min)",
  "error Settlement__PostTradeCheckFailed(uint8 check, uint256 asset, uint256 observed, uint256 limit)",
  "error Settlement__PortfolioBusy(address portfolio, bytes32 pendingId)",
  "error Settlement__ZeroNav(address portfolio)",
  "error Oracle__NoFeed(address token)",
  "error Oracle__InvalidPrice(address token, int256 answer)",
  "error Oracle__StalePrice(address token, uint256 updatedAt, uint256 maxAge)",
  "error Oracle__IncompleteRound(address token, uint80 roundId, uint80 answeredInRound)",
  "error Oracle__AnswerOutOfBounds(address token, int256 answer, int256 minAnswer, int256 maxAnswer)",
  "error Oracle__SequencerDown(uint256 startedAt)",
  "error Oracle__GracePeriodNotOver(uint256 startedAt, uint256 gracePeriod)",
]);

const PARAMETERS =
  "(uint8 optimizerType, uint256 riskAversion, uint256 tau, bytes32 riskBudgetsHash, uint256 driftThreshold, uint256 volatilityBudget, string rebalanceCalendar, uint16 maxSlippageBps)";
const CONSTRAINTS = "(bytes32 contentHash, string uri, uint256 maxPositionWeight, uint256 maxTurnover)";

/** IModelRegistry read side. */
export const registryAbi = parseAbi([
  "function optimizerBuildHash() view returns (bytes32)",
  "function optimizerVersion() view returns (string)",
  "function isKeeper(address keeper) view returns (bool)",
  "function isViewSigner(address signer) view returns (bool)",
  `function strategyParameters() view returns (${PARAMETERS})`,
  "function parametersVersion() view returns (uint256)",
  `function strategyParametersAt(uint256 version) view returns (${PARAMETERS})`,
  `function constraintSet() view returns (${CONSTRAINTS})`,
  "function constraintSetVersion() view returns (uint256)",
  `function constraintSetAt(uint256 version) view returns (${CONSTRAINTS})`,
]);

/** IPortfolioVault, IPriceOracle and the ERC-20 metadata the keeper reads. */
export const vaultAbi = parseAbi([
  "function holdings() view returns (address[] tokens, uint256[] balances)",
  "function assets() view returns (address[])",
]);
export const oracleAbi = parseAbi(["function priceOf(address token) view returns (uint256 price)"]);
export const erc20MetadataAbi = parseAbi([
  "function symbol() view returns (string)",
  "function decimals() view returns (uint8)",
]);
