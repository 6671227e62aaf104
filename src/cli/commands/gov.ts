import { Command, Option } from "commander";
import { createPublicClient, createWalletClient, getAddress, http, isAddress, isHex, type Address } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  castVote,
  delegateVotes,
  executeProposal,
  proposeRegistryChange,
  queueProposal,
  SUPPORT,
  type GovernanceClients,
} from "../../chain/governance/actions.ts";
import { buildRegistryProposal, type RegistryChanges } from "../../chain/governance/buildRegistryProposal.ts";
import { modelRegistryAbi } from "../../protocol/abi.ts";
import { readDeployment, type GovernanceDeployment } from "../../chain/governance/deployment.ts";
import { formatGovernanceStatus, formatTime, toJson } from "../../chain/governance/format.ts";
import { readGovernanceStatus } from "../../chain/governance/readStatus.ts";
import { createReadClient } from "../../chain/client.ts";
import { InputError } from "../../errors.ts";
import { verifyContracts, verifyDeployment } from "../../protocol/verifyDeployment.ts";

/** Environment variable holding the signer's private key (never a flag: flags end up in shell history). */
export const PRIVATE_KEY_ENV = "PORTFOLIO_PRIVATE_KEY";

/** How `portfolio gov` reaches the chain and prints; tests swap in an in-process provider. */
export interface GovDependencies {
  /** Clients for `rpc`; with `wallet`, the wallet client signs with the key from {@link PRIVATE_KEY_ENV}. */
  readonly connect: (rpc: string | undefined, options: { wallet: boolean }) => GovernanceClients;
  readonly write: (text: string) => void;
}

/** The default dependencies: HTTP JSON-RPC and stdout. */
export const defaultGovDependencies: GovDependencies = {
  connect(rpc, { wallet }) {
    if (rpc === undefined) throw new InputError("RPC_URL_MISSING", "give the JSON-RPC endpoint", "--rpc");
    const publicClient = createReadClient(rpc);
    if (!wallet) return { publicClient };
    const key = process.env[PRIVATE_KEY_ENV];
    if (key === undefined || key === "") {
      throw new InputError("PRIVATE_KEY_MISSING", "set it to the signer's private key", PRIVATE_KEY_ENV);
    }
    const hex = key.startsWith("0x") ? key : `0x${key}`;
    if (!isHex(hex) || hex.length !== 66) {
      throw new InputError("PRIVATE_KEY_INVALID", "expected 32 bytes of hex", PRIVATE_KEY_ENV);
    }
    const walletClient = createWalletClient({ account: privateKeyToAccount(hex), transport: http(rpc) });
    return { publicClient: createPublicClient({ transport: http(rpc, { retryCount: 2 }) }), walletClient };
  },
  write: (text) => process.stdout.write(text),
};

interface ConnectionOptions {
  rpc?: string;
  deployment?: string;
  registry?: string;
  governor?: string;
  timelock?: string;
  token?: string;
  fromBlock?: string;
}

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

function address(value: string | undefined, flag: string): Address {
  if (value === undefined) throw new InputError("ADDRESS_MISSING", "give it, or --deployment", flag);
  if (!isAddress(value)) throw new InputError("ADDRESS_INVALID", `not an address: ${value}`, flag);
  return getAddress(value);
}

async function resolveDeployment(clients: GovernanceClients, opts: ConnectionOptions): Promise<GovernanceDeployment> {
  const chainId = await clients.publicClient.getChainId();
  if (opts.deployment !== undefined) {
    const deployment = readDeployment(opts.deployment);
    if (deployment.chainId !== chainId) {
      throw new InputError(
        "DEPLOYMENT_CHAIN_MISMATCH",
        `deployment is for chain ${deployment.chainId}, the RPC serves chain ${chainId}`,
        "--deployment",
      );
    }
    await verifyDeployment(clients.publicClient, deployment, opts.deployment);
    return deployment;
  }
  if (!/^\d+$/.test(opts.fromBlock ?? "0")) {
    throw new InputError("BLOCK_INVALID", `expected a block number, got "${opts.fromBlock}"`, "--from-block");
  }
  const registry = address(opts.registry, "--registry");
  const contracts = {
    ModelRegistry: registry,
    PortfolioGovernor: address(opts.governor, "--governor"),
    TimelockController: address(opts.timelock, "--timelock"),
    PortfolioToken: address(opts.token, "--token"),
  };
  await verifyContracts(clients.publicClient, [
    { path: "--registry", address: contracts.ModelRegistry, contract: "ModelRegistry" },
    { path: "--governor", address: contracts.PortfolioGovernor, contract: "PortfolioGovernor" },
    { path: "--timelock", address: contracts.TimelockController, contract: "TimelockController" },
    { path: "--token", address: contracts.PortfolioToken, contract: "PortfolioToken" },
  ]);
  const buildHash = await clients.publicClient.readContract({
    address: registry,
    abi: modelRegistryAbi,
    functionName: "optimizerBuildHash",
  });
  return {
    chainId,
    contracts,
    blockNumber: Number(opts.fromBlock ?? "0"),
    optimizerBuildHash: buildHash,
  };
}

function parseProposalId(value: string): bigint {
  if (!/^(\d+|0x[0-9a-fA-F]+)$/.test(value)) {
    throw new InputError("PROPOSAL_ID_INVALID", `expected a decimal or 0x-hex proposal id, got "${value}"`, "--id");
  }
  return BigInt(value);
}

/**
 * `portfolio gov …`: propose, vote on, queue and execute registry changes, and show governance status.
 *
 * @example
 * ```ts
 * program.addCommand(govCommand());
 * ```
 */
export function govCommand(deps: GovDependencies = defaultGovDependencies): Command {
  const gov = new Command("gov").description("DAO governance of the model registry (Governor + 48 h timelock)");

  withConnection(gov.command("status"))
    .description("current registry parameters, constraint set, signers, keepers, audit head and open proposals")
    .option("--all", "list every proposal, not only open ones")
    .option("--json", "print as JSON")
    .action(async (opts: ConnectionOptions & { all?: boolean; json?: boolean }) => {
      const clients = deps.connect(opts.rpc, { wallet: false });
      const deployment = await resolveDeployment(clients, opts);
      const status = await readGovernanceStatus(clients.publicClient, deployment, { all: opts.all === true });
      deps.write(opts.json ? toJson(status) : formatGovernanceStatus(status));
    });

  withConnection(gov.command("propose"))
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
    .action(
      async (
        opts: ConnectionOptions & {
          setParameters?: string;
          setConstraints?: string;
          pinBuild?: string[];
          addKeeper?: string[];
          removeKeeper?: string[];
          addSigner?: string[];
          removeSigner?: string[];
          description?: string;
          dryRun?: boolean;
        },
      ) => {
        let pinBuild: RegistryChanges["pinBuild"];
        if (opts.pinBuild !== undefined) {
          const [hash, version] = opts.pinBuild;
          if (hash === undefined || version === undefined || opts.pinBuild.length !== 2) {
            throw new InputError("PIN_BUILD_INVALID", "expected <hash> <version>", "--pin-build");
          }
          pinBuild = { hash, version };
        }
        const clients = deps.connect(opts.rpc, { wallet: opts.dryRun !== true });
        const deployment = await resolveDeployment(clients, opts);
        const changes: RegistryChanges = {
          ...(opts.setParameters === undefined ? {} : { parametersFile: opts.setParameters }),
          ...(opts.setConstraints === undefined ? {} : { constraintsFile: opts.setConstraints }),
          ...(pinBuild === undefined ? {} : { pinBuild }),
          ...(opts.addKeeper ? { addKeepers: opts.addKeeper } : {}),
          ...(opts.removeKeeper ? { removeKeepers: opts.removeKeeper } : {}),
          ...(opts.addSigner ? { addViewSigners: opts.addSigner } : {}),
          ...(opts.removeSigner ? { removeViewSigners: opts.removeSigner } : {}),
        };
        const proposal = await buildRegistryProposal(clients.publicClient, deployment, changes, opts.description);
        deps.write(proposal.diff);
        deps.write(`Description: ${proposal.description}\n`);
        if (opts.dryRun) {
          deps.write("Dry run: nothing sent.\n");
          return;
        }
        const { id, hash } = await proposeRegistryChange(clients, deployment, proposal);
        deps.write(`Proposed #${id} in ${hash}\n`);
      },
    );

  withConnection(gov.command("vote"))
    .description("vote on an active proposal")
    .requiredOption("--id <proposalId>", "proposal id (decimal or 0x-hex)")
    .addOption(new Option("--support <choice>", "your vote").choices(Object.keys(SUPPORT)).makeOptionMandatory())
    .option("--reason <text>", "reason recorded with the vote")
    .action(async (opts: ConnectionOptions & { id: string; support: keyof typeof SUPPORT; reason?: string }) => {
      const id = parseProposalId(opts.id);
      const clients = deps.connect(opts.rpc, { wallet: true });
      const deployment = await resolveDeployment(clients, opts);
      const hash = await castVote(clients, deployment, id, opts.support, opts.reason);
      deps.write(`Voted ${opts.support} on #${id} in ${hash}\n`);
    });

  withConnection(gov.command("queue"))
    .description("queue a succeeded proposal in the 48 h timelock")
    .requiredOption("--id <proposalId>", "proposal id (decimal or 0x-hex)")
    .action(async (opts: ConnectionOptions & { id: string }) => {
      const id = parseProposalId(opts.id);
      const clients = deps.connect(opts.rpc, { wallet: true });
      const deployment = await resolveDeployment(clients, opts);
      const { hash, eta } = await queueProposal(clients, deployment, id);
      deps.write(`Queued #${id} in ${hash}; executable from ${formatTime(eta)}\n`);
    });

  withConnection(gov.command("execute"))
    .description("execute a queued proposal once its 48 h delay has passed")
    .requiredOption("--id <proposalId>", "proposal id (decimal or 0x-hex)")
    .action(async (opts: ConnectionOptions & { id: string }) => {
      const id = parseProposalId(opts.id);
      const clients = deps.connect(opts.rpc, { wallet: true });
      const deployment = await resolveDeployment(clients, opts);
      const hash = await executeProposal(clients, deployment, id);
      deps.write(`Executed #${id} in ${hash}\n`);
    });

  withConnection(gov.command("delegate"))
    .description("delegate your token votes (to yourself by default); needed before proposing or voting")
    .option("--to <address>", "delegatee")
    .action(async (opts: ConnectionOptions & { to?: string }) => {
      const clients = deps.connect(opts.rpc, { wallet: true });
      const deployment = await resolveDeployment(clients, opts);
      const hash = await delegateVotes(clients, deployment, opts.to);
      deps.write(`Delegated in ${hash}\n`);
    });

  return gov;
}
