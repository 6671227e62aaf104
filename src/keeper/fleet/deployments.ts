// `keeper fleet --deployments dir-or-list`: which portfolios the fleet serves. A file that does not
// resolve is that portfolio's problem (reported, the rest served); two files naming one vault, or
// nothing to serve at all, is the whole fleet's (refused before anything starts).
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { InputError, PortfolioError } from "../../errors.ts";
import {
  keeperDeployment,
  readDeploymentFile,
  type Deployment,
  type KeeperDeployment,
} from "../../protocol/deployment.ts";

/** One portfolio the fleet serves: its deployment file, parsed. */
export interface FleetPortfolio {
  /** The lease key and log field: the vault address, lower case. */
  readonly id: string;
  /** The deployment file, as given (relative paths resolved against the working directory). */
  readonly source: string;
  readonly deployment: Deployment;
  readonly keeper: KeeperDeployment;
}

/** A deployment file that does not resolve: reported for that portfolio, the others served. */
export interface FleetDeploymentError {
  readonly source: string;
  readonly error: PortfolioError;
}

/** What {@link resolveFleetDeployments} found. */
export interface FleetDeployments {
  readonly portfolios: readonly FleetPortfolio[];
  readonly errors: readonly FleetDeploymentError[];
}

/**
 * The deployment files `spec` names: every `*.json` of a directory (sorted), or a comma-separated
 * list of files.
 *
 * @throws {InputError} `FLEET_DEPLOYMENTS_EMPTY` when it names no file; `DEPLOYMENT_UNREADABLE`
 *   for a directory that does not exist.
 * @example
 * ```ts
 * deploymentFiles("deployments/"); // ["deployments/dao-a.json", "deployments/dao-b.json"]
 * deploymentFiles("a.json,b.json"); // ["a.json", "b.json"]
 * ```
 */
export function deploymentFiles(spec: string): string[] {
  const trimmed = spec.trim();
  let files: string[];
  if (!trimmed.includes(",") && existsSync(trimmed) && statSync(trimmed).isDirectory()) {
    files = readdirSync(trimmed)
      .filter((name) => name.endsWith(".json"))
      .sort()
      .map((name) => join(trimmed, name));
  } else {
    files = trimmed
      .split(",")
      .map((f) => f.trim())
      .filter((f) => f !== "");
  }
  if (files.length === 0) {
    throw new InputError("FLEET_DEPLOYMENTS_EMPTY", `no deployment file in ${JSON.stringify(spec)}`, "--deployments");
  }
  return files;
}

/**
 * Reads every deployment file `spec` names. A file that cannot be read, is not a deployment, or has
 * no `keeper` section lands in `errors` (its portfolio is not served); the others are served.
 *
 * @throws {InputError} `FLEET_DUPLICATE_PORTFOLIO` when two files (or one file listed twice) name
 *   the same vault — two loops on one vault in one process would race each other's nonces;
 *   `FLEET_NO_PORTFOLIO` when no file resolves.
 * @example
 * ```ts
 * const { portfolios, errors } = resolveFleetDeployments("deployments/");
 * for (const e of errors) log.error({ deployment: e.source, code: e.error.code }, e.error.message);
 * ```
 */
export function resolveFleetDeployments(spec: string): FleetDeployments {
  const portfolios: FleetPortfolio[] = [];
  const errors: FleetDeploymentError[] = [];
  const seen = new Map<string, string>();
  for (const source of deploymentFiles(spec)) {
    const path = resolve(source);
    const earlier = seen.get(`file:${path}`);
    if (earlier !== undefined) {
      throw new InputError("FLEET_DUPLICATE_PORTFOLIO", `${source} is listed twice`, "--deployments");
    }
    seen.set(`file:${path}`, source);
    let deployment: Deployment;
    let keeper: KeeperDeployment;
    try {
      deployment = readDeploymentFile(source);
      keeper = keeperDeployment(deployment, source);
    } catch (error) {
      if (!(error instanceof PortfolioError)) throw error;
      errors.push({ source, error });
      continue;
    }
    const id = keeper.vault.toLowerCase();
    const other = seen.get(`vault:${id}`);
    if (other !== undefined) {
      throw new InputError(
        "FLEET_DUPLICATE_PORTFOLIO",
        `${source} and ${other} both name vault ${keeper.vault}`,
        "--deployments",
      );
    }
    seen.set(`vault:${id}`, source);
    portfolios.push({ id, source, deployment, keeper });
  }
  if (portfolios.length === 0) {
    const why = errors.map((e) => e.error.message).join("; ");
    throw new InputError("FLEET_NO_PORTFOLIO", `no deployment resolves: ${why}`, "--deployments");
  }
  return { portfolios, errors };
}
