import { parseAbi } from "viem";

/** The parts of the governance contracts' ABIs that the `portfolio gov` CLI uses. */

const STRUCTS = [
  "struct StrategyParameters { uint8 optimizerType; uint256 riskAversion; uint256 tau; bytes32 riskBudgetsHash; uint256 driftThreshold; uint256 volatilityBudget; string rebalanceCalendar; uint16 maxSlippageBps; }",
  "struct ConstraintSet { bytes32 contentHash; string uri; uint256 maxPositionWeight; uint256 maxTurnover; }",
] as const;

/** `ModelRegistry` (IModelRegistryAdmin, IGuardianPausable, IAudited, Ownable). */
export const modelRegistryAbi = parseAbi([
  ...STRUCTS,
  "function optimizerBuildHash() view returns (bytes32)",
  "function optimizerVersion() view returns (string)",
  "function isViewSigner(address) view returns (bool)",
  "function isKeeper(address) view returns (bool)",
  "function viewSigners() view returns (address[])",
  "function keepers() view returns (address[])",
  "function strategyParameters() view returns (StrategyParameters)",
  "function parametersVersion() view returns (uint256)",
  "function strategyParametersAt(uint256 version) view returns (StrategyParameters)",
  "function constraintSet() view returns (ConstraintSet)",
  "function constraintSetVersion() view returns (uint256)",
  "function constraintSetAt(uint256 version) view returns (ConstraintSet)",
  "function auditHead() view returns (bytes32)",
  "function auditCount() view returns (uint256)",
  "function paused() view returns (bool)",
  "function guardian() view returns (address)",
  "function owner() view returns (address)",
  "function pinOptimizerBuild(bytes32 buildHash, string version)",
  "function addViewSigner(address signer)",
  "function removeViewSigner(address signer)",
  "function addKeeper(address keeper)",
  "function removeKeeper(address keeper)",
  "function setStrategyParameters(StrategyParameters parameters) returns (uint256)",
  "function setConstraintSet(ConstraintSet constraints) returns (uint256)",
  "function pause()",
  "function unpause()",
  "function setGuardian(address newGuardian)",
  "error ModelRegistry__ParameterOutOfRange(string field, uint256 value, uint256 min, uint256 max)",
  "error ModelRegistry__ZeroHash(string field)",
  "error ModelRegistry__InvalidStringLength(string field, uint256 length, uint256 maxLength)",
  "error ModelRegistry__InvalidCalendar(string calendar, uint256 fields)",
  "error ModelRegistry__ZeroAddress(string field)",
  "error ModelRegistry__AlreadyAuthorized(string role, address account)",
  "error ModelRegistry__NotAuthorized(string role, address account)",
  "error ModelRegistry__UnknownVersion(uint256 version, uint256 latest)",
  "error OwnableUnauthorizedAccount(address account)",
  "error GuardianPausable__NotGuardianOrGovernance(address caller)",
  "error GuardianPausable__UnexpectedPauseState(bool paused)",
]);

/** `PortfolioGovernor` (OpenZeppelin Governor with timelock control). */
export const governorAbi = parseAbi([
  "event ProposalCreated(uint256 proposalId, address proposer, address[] targets, uint256[] values, string[] signatures, bytes[] calldatas, uint256 voteStart, uint256 voteEnd, string description)",
  "function propose(address[] targets, uint256[] values, bytes[] calldatas, string description) returns (uint256)",
  "function queue(address[] targets, uint256[] values, bytes[] calldatas, bytes32 descriptionHash) returns (uint256)",
  "function execute(address[] targets, uint256[] values, bytes[] calldatas, bytes32 descriptionHash) payable returns (uint256)",
  "function castVote(uint256 proposalId, uint8 support) returns (uint256)",
  "function castVoteWithReason(uint256 proposalId, uint8 support, string reason) returns (uint256)",
  "function hashProposal(address[] targets, uint256[] values, bytes[] calldatas, bytes32 descriptionHash) pure returns (uint256)",
  "function state(uint256 proposalId) view returns (uint8)",
  "function proposalEta(uint256 proposalId) view returns (uint256)",
  "function proposalDeadline(uint256 proposalId) view returns (uint256)",
  "function proposalSnapshot(uint256 proposalId) view returns (uint256)",
  "function proposalVotes(uint256 proposalId) view returns (uint256 againstVotes, uint256 forVotes, uint256 abstainVotes)",
  "function proposalThreshold() view returns (uint256)",
  "function quorum(uint256 timepoint) view returns (uint256)",
  "function votingDelay() view returns (uint256)",
  "function votingPeriod() view returns (uint256)",
  "function clock() view returns (uint48)",
  "function getVotes(address account, uint256 timepoint) view returns (uint256)",
  "function hasVoted(uint256 proposalId, address account) view returns (bool)",
  "function timelock() view returns (address)",
  "error GovernorInsufficientProposerVotes(address proposer, uint256 votes, uint256 threshold)",
  "error GovernorUnexpectedProposalState(uint256 proposalId, uint8 current, bytes32 expectedStates)",
  "error GovernorAlreadyCastVote(address voter)",
  "error TimelockUnexpectedOperationState(bytes32 operationId, bytes32 expectedStates)",
]);

/** `PortfolioToken` (ERC20Votes). */
export const tokenAbi = parseAbi([
  "function delegate(address delegatee)",
  "function delegates(address account) view returns (address)",
  "function getVotes(address account) view returns (uint256)",
  "function balanceOf(address account) view returns (uint256)",
  "function symbol() view returns (string)",
]);

/** `TimelockController`. */
export const timelockAbi = parseAbi(["function getMinDelay() view returns (uint256)"]);

/** Names of `IGovernor.ProposalState`, indexed by the enum's on-chain value. */
export const PROPOSAL_STATES = [
  "Pending",
  "Active",
  "Canceled",
  "Defeated",
  "Succeeded",
  "Queued",
  "Expired",
  "Executed",
] as const;

/** One of {@link PROPOSAL_STATES}. */
export type ProposalStateName = (typeof PROPOSAL_STATES)[number];
