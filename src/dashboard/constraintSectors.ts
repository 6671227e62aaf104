// Sector labels from the constraint set the registry pins: its `constraints.groups`, read from a
// directory of content-addressed constraint sets (`<sha256>.json`) and checked against the hash.
import { join } from "node:path";
import type { Address, Hex, PublicClient } from "viem";
import { InputError } from "../errors.ts";
import { readConstraintSet } from "../keeper/cycle/constraintSetFile.ts";
import { modelRegistryAbi } from "../protocol/abi.ts";
import { parseConstraintSetJson } from "../protocol/inputs.ts";

/**
 * Each asset's sector in a constraint-set JSON: the first of `constraints.groups` that names it (the
 * keeper's metrics label sectors the same way). Assets in no group are absent.
 *
 * @example
 * ```ts
 * groupSectors('{"constraints":{"groups":[{"name":"Tech","assets":["AAPL"],"upper":1}]}}', "cs.json"); // { AAPL: "Tech" }
 * ```
 */
export function groupSectors(text: string, source: string): Record<string, string> {
  const groups = parseConstraintSetJson(text, source).constraints?.["groups"];
  if (groups === undefined) return {};
  if (!Array.isArray(groups))
    throw new InputError("CONSTRAINT_SET_INVALID", "must be an array", `${source}:constraints.groups`);
  const sectors: Record<string, string> = {};
  groups.forEach((group: unknown, i) => {
    const { name, assets } = (group ?? {}) as { name?: unknown; assets?: unknown };
    if (typeof name !== "string" || !Array.isArray(assets) || !assets.every((a) => typeof a === "string")) {
      throw new InputError(
        "CONSTRAINT_SET_INVALID",
        "needs a name and a list of asset symbols",
        `${source}:constraints.groups[${i}]`,
      );
    }
    for (const asset of assets as string[]) sectors[asset] ??= name;
  });
  return sectors;
}

/**
 * A reader of the sectors of the registry's current constraint set: on every call it reads the
 * registry's `contentHash`, then `<dir>/<hash hex>.json`, refused unless its sha256 is that hash
 * (the keeper's check, `readConstraintSet`). One file is read once per hash.
 *
 * @throws {InputError} `CONSTRAINT_SET_UNREADABLE` naming the missing file; {@link RejectedError}
 *   `CONSTRAINT_SET_HASH_MISMATCH` for a file whose bytes are not the registry's.
 * @example
 * ```ts
 * const sectors = constraintSetSectors(client, registry, "out/demo/constraint-sets");
 * await sectors(); // { USDC: "Cash", AAPL: "Technology", … }
 * ```
 */
export function constraintSetSectors(
  client: PublicClient,
  registry: Address,
  dir: string,
): () => Promise<Record<string, string>> {
  const byHash = new Map<Hex, Record<string, string>>();
  return async () => {
    const { contentHash } = await client.readContract({
      address: registry,
      abi: modelRegistryAbi,
      functionName: "constraintSet",
    });
    const known = byHash.get(contentHash);
    if (known !== undefined) return known;
    const name = `${contentHash.slice(2).toLowerCase()}.json`;
    let text: string;
    try {
      text = await readConstraintSet(name, contentHash, dir);
    } catch (error) {
      if (error instanceof InputError && error.code === "CONSTRAINT_SET_UNREADABLE") {
        throw new InputError(
          "CONSTRAINT_SET_UNREADABLE",
          `no ${name} (the registry's constraint-set contentHash) in ${dir}`,
          "--constraint-sets",
          { cause: error },
        );
      }
      throw error;
    }
    const sectors = groupSectors(text, join(dir, name));
    byHash.set(contentHash, sectors);
    return sectors;
  };
}
