// The addresses a keeper needs, read from a deployment file (deployments/<network>.json).
import { getAddress, isAddress, type Address } from "viem";
import { InputError } from "../errors.ts";
import { readJsonFile } from "../jsonFile.ts";

/** Addresses of one deployed portfolio system. Registry and oracle are read from the settlement. */
export interface KeeperDeployment {
  readonly settlement: Address;
  /** The PortfolioVault to rebalance. */
  readonly vault: Address;
  /** Venue adapter of every leg (the settlement's allow-listed Uniswap V2 adapter). */
  readonly venue: Address;
  /** Uniswap V2 Router02 used to quote legs before submitting; without it only the simulation guards. */
  readonly router?: Address | undefined;
  /** Base (quote) token every pool pairs with; default the vault's first asset. */
  readonly baseToken?: Address | undefined;
}

const ALIASES: Readonly<Record<keyof KeeperDeployment, readonly string[]>> = {
  settlement: ["settlement"],
  vault: ["vault", "portfolioVault", "portfolio"],
  venue: ["venue", "adapter", "uniswapV2Adapter", "uniswapAdapter"],
  router: ["router", "uniswapV2Router", "router02"],
  baseToken: ["baseToken"],
};

function find(json: Record<string, unknown>, names: readonly string[]): unknown {
  // Look at the top level first, then one level down (e.g. `contracts`, `addresses`).
  for (const name of names) if (typeof json[name] === "string") return json[name];
  for (const value of Object.values(json)) {
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      for (const name of names) {
        const v = (value as Record<string, unknown>)[name];
        if (typeof v === "string") return v;
        if (typeof v === "object" && v !== null && typeof (v as { address?: unknown }).address === "string") {
          return (v as { address: string }).address;
        }
      }
    }
  }
  return undefined;
}

/**
 * Reads the keeper's addresses from a deployment JSON object: each key at the top level or one
 * level down (`contracts.settlement`), as an address string or `{ address }`.
 *
 * @example
 * ```ts
 * const deployment = parseKeeperDeployment(JSON.parse(readFileSync("deployments/localhost.json", "utf8")));
 * ```
 */
export function parseKeeperDeployment(json: unknown, path = "deployment"): KeeperDeployment {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new InputError("DEPLOYMENT_MALFORMED", "must be a JSON object", path);
  }
  const out: Partial<Record<keyof KeeperDeployment, Address>> = {};
  for (const [key, names] of Object.entries(ALIASES) as [keyof KeeperDeployment, readonly string[]][]) {
    const value = find(json as Record<string, unknown>, names);
    if (value === undefined) {
      if (key === "router" || key === "baseToken") continue;
      throw new InputError("DEPLOYMENT_MALFORMED", `missing (looked for ${names.join(", ")})`, `${path}.${key}`);
    }
    if (typeof value !== "string" || !isAddress(value, { strict: false })) {
      throw new InputError("DEPLOYMENT_MALFORMED", `not an address: ${String(value)}`, `${path}.${key}`);
    }
    out[key] = getAddress(value);
  }
  return out as KeeperDeployment;
}

/** {@link parseKeeperDeployment} of a file. */
export function loadKeeperDeployment(file: string): KeeperDeployment {
  const json = readJsonFile(file, {
    field: file,
    unreadableCode: "DEPLOYMENT_MALFORMED",
    invalidCode: "DEPLOYMENT_MALFORMED",
  });
  return parseKeeperDeployment(json, file);
}
