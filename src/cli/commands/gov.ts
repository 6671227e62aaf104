import { Command, Option } from "commander";
import type { SUPPORT } from "../../chain/governance/actions.ts";
import type {
  DelegateOptions,
  ProposalOptions,
  ProposeOptions,
  StatusOptions,
  VerifyEvidenceOptions,
  VoteOptions,
} from "../actions/gov.ts";
import { PRIVATE_KEY_ENV, withExamples, type GovDependencies } from "../options.ts";

export { PRIVATE_KEY_ENV, type GovDependencies } from "../options.ts";

// The vote choices, as SUPPORT in src/chain/governance/actions.ts (not imported: it loads viem).
const SUPPORT_CHOICES = ["against", "for", "abstain"] as const satisfies readonly (keyof typeof SUPPORT)[];

function withConnection(command: Command): Command {
  return command
    .option("--rpc <url>", "JSON-RPC endpoint")
    .option("--deployment <file>", "deployments/<network>.json with the contract addresses")
    .option("--registry <address>", "ModelRegistry address (instead of --deployment)")
    .option("--governor <address>", "PortfolioGovernor address (instead of --deployment)")
    .option("--timelock <address>", "TimelockController address (instead of --deployment)")
    .option("--token <address>", "PortfolioToken address (instead of --deployment)")
    .option("--from-block <n>", "block to scan proposals from (with explicit addresses)", "0");
}

type GovActions = typeof import("../actions/gov.ts");

const ID_HELP = "proposal id: decimal, 0x-hex, or the short 0x1f2e3d4c… that gov status prints";

const CONNECT = "--rpc http://127.0.0.1:8545 --deployment deployments/localhost.json";

/**
 * `portfolio gov …`: propose, vote on, queue and execute registry changes, and show governance
 * status. `deps` defaults to HTTP JSON-RPC and stdout, loaded when a command runs.
 *
 * @example
 * ```ts
 * program.addCommand(govCommand());
 * ```
 */
export function govCommand(deps?: GovDependencies): Command {
  const gov = new Command("gov").description("DAO governance of the model registry (Governor + 48 h timelock)");
  const load = async (): Promise<{ impl: GovActions; deps: GovDependencies }> => {
    const impl = await import("../actions/gov.ts");
    return { impl, deps: deps ?? impl.defaultGovDependencies };
  };

  const status = withConnection(gov.command("status"))
    .description("current registry parameters, constraint set, signers, keepers, audit head and open proposals")
    .option("--all", "list every proposal, not only open ones")
    .option("--full-ids", "print proposal ids in full (default: the short 0x1f2e3d4c… form, which --id accepts)")
    .option("--json", "print as JSON (ids always in full)")
    .action(async (opts: StatusOptions) => {
      const { impl, deps: d } = await load();
      await impl.govStatus(opts, d);
    });
  withExamples(status, [
    `portfolio gov status ${CONNECT}`,
    `portfolio gov status ${CONNECT} --all --full-ids`,
    "portfolio gov status --rpc URL --registry 0x… --governor 0x… --timelock 0x… --token 0x… --all --json",
  ]);

  const propose = withConnection(gov.command("propose"))
    .description("propose registry changes; prints the diff of current → proposed values before sending")
    .option("--set-parameters <file>", "strategy parameters JSON (fields omitted keep their value)")
    .option("--set-constraints <file>", "constraint set JSON (fields omitted keep their value)")
    .addOption(new Option("--pin-build <hash-and-version...>", "optimiser build: sha256 hash and version"))
    .option("--add-keeper <address...>", "authorise keepers")
    .option("--remove-keeper <address...>", "withdraw keepers")
    .option("--add-signer <address...>", "authorise view signers")
    .option("--remove-signer <address...>", "withdraw view signers")
    .option("--description <text>", "proposal description (default: a summary of the changes)")
    .option("--dry-run", "show the diff and check the calls, send nothing")
    .option("--backtest <prices.csv>", "attach evidence: backtest current vs proposed over these daily closes")
    .option("--rebalance <policy>", "evidence rebalancing policy (as portfolio backtest)", "calendar:monthly")
    .option("--lookback <rows>", "evidence estimation window, price rows", "252")
    .option("--backtest-from <date>", "evidence: first simulated close (YYYY-MM-DD)")
    .option("--backtest-to <date>", "evidence: last simulated close (YYYY-MM-DD)")
    .option("--cost-bps <bps>", "evidence: linear trading cost, basis points of traded notional", "10")
    .option(
      "--constraint-json <file>",
      "evidence: the constraint-set JSON in force (sha256 = the registry's contentHash)",
    )
    .option(
      "--proposed-constraint-json <file>",
      "evidence: the proposed constraint-set JSON (sha256 = the proposal's contentHash; default --constraint-json)",
    )
    .option("--evidence-out <dir>", "where evidence.json and evidence.svg go (default ./evidence)")
    .option("--bundle <file>", "evidence: run the pinned optimiser bundle instead of the in-repo optimiser")
    .action(async (opts: ProposeOptions) => {
      const { impl, deps: d } = await load();
      await impl.govPropose(opts, d);
    });
  withExamples(propose, [
    `portfolio gov propose ${CONNECT} --set-parameters params.json --dry-run`,
    `${PRIVATE_KEY_ENV}=0x… portfolio gov propose ${CONNECT} --add-signer 0x… --description "add a view signer"`,
    `portfolio gov propose ${CONNECT} --set-parameters params.json --backtest prices.csv --constraint-json cs.json --dry-run`,
  ]);

  const verifyEvidence = withConnection(gov.command("verify-evidence"))
    .description("check a proposal's backtest evidence: the description's sha256 and a recomputation from its inputs")
    .argument("<proposal-id>", ID_HELP)
    .requiredOption("--report <file>", "the proposal's evidence.json")
    .requiredOption("--prices <file>", "the daily closes CSV the report was made from (its sha256 is in the report)")
    .option(
      "--constraint-json <file>",
      "the constraint-set JSON in force when proposed (sha256 = the registry's contentHash)",
    )
    .option(
      "--proposed-constraint-json <file>",
      "the proposed constraint-set JSON (sha256 = the proposal's contentHash; default --constraint-json)",
    )
    .option("--bundle <file>", "recompute with the pinned optimiser bundle instead of the in-repo optimiser")
    .addHelpText(
      "after",
      "\nExit 0 verified; 3 the report or prices differ (each difference is named) or a constraint-set JSON is not\nthe one the registry's contentHash names (CONSTRAINT_SET_HASH_MISMATCH); 2 bad input (CONSTRAINT_JSON_MISSING…).",
    )
    .action(async (proposalId: string, opts: VerifyEvidenceOptions) => {
      const { impl, deps: d } = await load();
      await impl.govVerifyEvidence(proposalId, opts, d);
    });
  withExamples(verifyEvidence, [
    `portfolio gov verify-evidence 0x1f… ${CONNECT} --report evidence/evidence.json --prices prices.csv --constraint-json cs.json`,
  ]);

  const vote = withConnection(gov.command("vote"))
    .description("vote on an active proposal")
    .requiredOption("--id <proposalId>", ID_HELP)
    .addOption(new Option("--support <choice>", "your vote").choices(SUPPORT_CHOICES).makeOptionMandatory())
    .option("--reason <text>", "reason recorded with the vote")
    .action(async (opts: VoteOptions) => {
      const { impl, deps: d } = await load();
      await impl.govVote(opts, d);
    });
  withExamples(vote, [`${PRIVATE_KEY_ENV}=0x… portfolio gov vote ${CONNECT} --id 0x1f… --support for`]);

  const queue = withConnection(gov.command("queue"))
    .description("queue a succeeded proposal in the 48 h timelock")
    .requiredOption("--id <proposalId>", ID_HELP)
    .action(async (opts: ProposalOptions) => {
      const { impl, deps: d } = await load();
      await impl.govQueue(opts, d);
    });
  withExamples(queue, [`${PRIVATE_KEY_ENV}=0x… portfolio gov queue ${CONNECT} --id 0x1f…`]);

  const execute = withConnection(gov.command("execute"))
    .description("execute a queued proposal once its 48 h delay has passed")
    .requiredOption("--id <proposalId>", ID_HELP)
    .action(async (opts: ProposalOptions) => {
      const { impl, deps: d } = await load();
      await impl.govExecute(opts, d);
    });
  withExamples(execute, [`${PRIVATE_KEY_ENV}=0x… portfolio gov execute ${CONNECT} --id 0x1f…`]);

  const delegate = withConnection(gov.command("delegate"))
    .description("delegate your token votes (to yourself by default); needed before proposing or voting")
    .option("--to <address>", "delegatee")
    .action(async (opts: DelegateOptions) => {
      const { impl, deps: d } = await load();
      await impl.govDelegate(opts, d);
    });
  withExamples(delegate, [`${PRIVATE_KEY_ENV}=0x… portfolio gov delegate ${CONNECT}`]);

  return gov;
}
