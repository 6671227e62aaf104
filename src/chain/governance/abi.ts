// The governance contracts' ABIs come from the protocol layer (src/protocol/abi.ts, generated from the
// build artifacts); what stays here is the governor's enum, by name.

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
