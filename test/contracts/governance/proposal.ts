import type { PortfolioGovernor } from "../../../types/ethers-contracts/index.ts";
import { ethers, networkHelpers } from "./fixture.ts";

/** A proposal's actions and description, as `propose`, `queue` and `execute` take them. */
export interface Proposal {
  readonly targets: string[];
  readonly values: bigint[];
  readonly calldatas: string[];
  readonly description: string;
}

export function descriptionHash(p: Proposal): string {
  return ethers.id(p.description);
}

/** Proposes, waits out the voting delay, votes For with `voter`, and waits out the voting period. */
export async function proposeAndPass(
  governor: PortfolioGovernor,
  voter: Parameters<PortfolioGovernor["connect"]>[0],
  p: Proposal,
): Promise<bigint> {
  const g = governor.connect(voter);
  await g.propose(p.targets, p.values, p.calldatas, p.description);
  const id = await governor.hashProposal(p.targets, p.values, p.calldatas, descriptionHash(p));
  await networkHelpers.time.increase((await governor.votingDelay()) + 1n);
  await g.castVote(id, 1);
  await networkHelpers.time.increase(await governor.votingPeriod());
  return id;
}

/** Queues a passed proposal in the timelock and returns the timelock operation id. */
export async function queue(governor: PortfolioGovernor, p: Proposal): Promise<void> {
  await governor.queue(p.targets, p.values, p.calldatas, descriptionHash(p));
}
