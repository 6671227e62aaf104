// Renders src/protocol/abi.generated.ts from the Hardhat build artifacts (and Uniswap's shipped
// build), so that every ABI and enum the TypeScript side uses is the one the compiler emitted. Used by
// `npm run generate:abi` and by the test that fails when the committed module has drifted.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { format, resolveConfig } from "prettier";

/** Export name → artifact path under `artifacts/contracts/` (or a package file for `external`). */
const CONTRACTS: readonly { readonly name: string; readonly artifact: string; readonly external?: true }[] = [
  { name: "settlementAbi", artifact: "settlement/Settlement.sol/Settlement.json" },
  { name: "modelRegistryAbi", artifact: "registry/ModelRegistry.sol/ModelRegistry.json" },
  { name: "portfolioVaultAbi", artifact: "vault/PortfolioVault.sol/PortfolioVault.json" },
  { name: "chainlinkPriceOracleAbi", artifact: "oracle/ChainlinkPriceOracle.sol/ChainlinkPriceOracle.json" },
  { name: "uniswapV2AdapterAbi", artifact: "venues/UniswapV2Adapter.sol/UniswapV2Adapter.json" },
  { name: "portfolioGovernorAbi", artifact: "governance/PortfolioGovernor.sol/PortfolioGovernor.json" },
  { name: "portfolioTimelockAbi", artifact: "governance/PortfolioTimelock.sol/PortfolioTimelock.json" },
  { name: "portfolioTokenAbi", artifact: "governance/PortfolioToken.sol/PortfolioToken.json" },
  { name: "auditedAbi", artifact: "interfaces/IAudited.sol/IAudited.json" },
  { name: "uniswapV2RouterAbi", artifact: "@uniswap/v2-periphery/build/UniswapV2Router02.json", external: true },
];

/**
 * Export name → a Solidity enum (its members, in on-chain order), read from the compiler's AST of
 * the interface that declares it, through the build info of a contract that imports it.
 */
const ENUMS: readonly {
  readonly name: string;
  readonly enumName: string;
  readonly source: string;
  readonly via: string;
}[] = [
  {
    name: "OPTIMIZER_TYPES",
    enumName: "OptimizerType",
    source: "contracts/interfaces/IModelRegistry.sol",
    via: "registry/ModelRegistry.sol/ModelRegistry.json",
  },
  {
    name: "SETTLEMENT_STATUSES",
    enumName: "Status",
    source: "contracts/interfaces/ISettlement.sol",
    via: "settlement/Settlement.sol/Settlement.json",
  },
  {
    name: "SETTLEMENT_CHECKS",
    enumName: "Check",
    source: "contracts/interfaces/ISettlement.sol",
    via: "settlement/Settlement.sol/Settlement.json",
  },
  {
    name: "ROLLBACK_REASONS",
    enumName: "RollbackReason",
    source: "contracts/interfaces/ISettlement.sol",
    via: "settlement/Settlement.sol/Settlement.json",
  },
];

interface AstNode {
  readonly nodeType?: string;
  readonly name?: string;
  readonly members?: readonly { readonly name: string }[];
  readonly [key: string]: unknown;
}

/** The member names of enum `enumName` declared in `source`, from the compiler's AST. */
function enumMembers(root: string, via: string, source: string, enumName: string): string[] {
  const artifact = JSON.parse(readFileSync(join(root, "artifacts/contracts", via), "utf8")) as { buildInfoId: string };
  const output = JSON.parse(
    readFileSync(join(root, "artifacts/build-info", `${artifact.buildInfoId}.output.json`), "utf8"),
  ) as { output: { sources: Record<string, { ast: AstNode }> } };
  const unit = output.output.sources[`project/${source}`];
  if (unit === undefined) throw new Error(`${source} is not in the build info of ${via}`);
  const found: string[][] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node !== null && typeof node === "object") {
      const n = node as AstNode;
      if (n.nodeType === "EnumDefinition" && n.name === enumName) found.push((n.members ?? []).map((m) => m.name));
      Object.values(n).forEach(walk);
    }
  };
  walk(unit.ast);
  const [members] = found;
  if (found.length !== 1 || members === undefined) throw new Error(`enum ${enumName} not found once in ${source}`);
  return members;
}

/** The generated module's path, relative to the repository root. */
export const ABI_MODULE = "src/protocol/abi.generated.ts";

type AbiEntry = Record<string, unknown>;

/** Drops `internalType` (Solidity's names for the types; viem reads none of it) at every depth. */
function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (value !== null && typeof value === "object") {
    const out: AbiEntry = {};
    for (const [k, v] of Object.entries(value)) if (k !== "internalType") out[k] = strip(v);
    return out;
  }
  return value;
}

/**
 * The generated module's text, formatted as the repository's prettier config formats it.
 *
 * @example
 * ```ts
 * writeFileSync(ABI_MODULE, await renderAbiModule(process.cwd()));
 * ```
 */
export async function renderAbiModule(root: string): Promise<string> {
  const require = createRequire(join(root, "package.json"));
  const parts = [
    "// ABIs and enums generated by `npm run generate:abi` (scripts/generate-abis.ts) from the Hardhat build",
    "// artifacts and Uniswap's shipped build. Do not edit: test/protocol/abi.test.ts fails when this module",
    "// differs from what the compiled contracts declare.",
    "",
  ];
  for (const c of CONTRACTS) {
    const path = c.external === true ? require.resolve(c.artifact) : join(root, "artifacts/contracts", c.artifact);
    const { abi } = JSON.parse(readFileSync(path, "utf8")) as { abi: unknown[] };
    const source = c.external === true ? c.artifact : `artifacts/contracts/${c.artifact}`;
    parts.push(`/** ABI of ${source}. */`, `export const ${c.name} = ${JSON.stringify(strip(abi))} as const;`, "");
  }
  for (const e of ENUMS) {
    const members = enumMembers(root, e.via, e.source, e.enumName);
    parts.push(
      `/** \`${e.enumName}\` of ${e.source}: member names indexed by their on-chain value. */`,
      `export const ${e.name} = ${JSON.stringify(members)} as const;`,
      "",
    );
  }
  const file = join(root, ABI_MODULE);
  const options = (await resolveConfig(file)) ?? {};
  return format(parts.join("\n"), { ...options, filepath: file });
}
