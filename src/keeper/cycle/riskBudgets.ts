// ERC risk budgets: the numbers live in the content-addressed constraint-set JSON, the registry pins
// them by `StrategyParameters.riskBudgetsHash` (contracts/interfaces/IModelRegistry.sol).
import { encodeAbiParameters, keccak256, type Hex } from "viem";
import { InputError, RejectedError } from "../../errors.ts";
import { WAD } from "../../protocol/fixedPoint.ts";

/** `riskBudgetsHash` meaning "equal budgets". */
export const ZERO_HASH: Hex = `0x${"00".repeat(32)}`;

/**
 * keccak256(abi.encode(uint256[] budgetsWad)), the registry's `riskBudgetsHash` of budgets given
 * in 1e18 fixed point (summing to 1e18).
 *
 * @example
 * ```ts
 * riskBudgetsHash([500000000000000000n, 500000000000000000n]);
 * ```
 */
export function riskBudgetsHash(budgetsWad: readonly bigint[]): Hex {
  return keccak256(encodeAbiParameters([{ type: "uint256[]" }], [[...budgetsWad]]));
}

/**
 * Budgets (fractions, vault order) as 1e18 fixed point, as the keeper hashes them: each number is
 * read as the decimal the JSON wrote (its shortest round-trip form, so 0.3 is exactly 3e17, not the
 * binary double 0.29999…), rounded to the nearest 1e-18 if it has more decimals. When those sum to exactly
 * 1, that is the result; when they sum to 1 within 1e-9 (e.g. thirds written as 0.3333333333333333)
 * they are normalised in integer arithmetic, b̃_i = ⌊b_i · 1e18 / Σ b⌋, the few wei lost to flooring
 * going to the largest remainders, lowest index first — the WAD budgets always sum to exactly 1e18.
 * Each budget must be > 0 (a zero budget has no risk-budgeting portfolio); errors name
 * `riskBudgets[i]` or `riskBudgets`.
 *
 * @example
 * ```ts
 * riskBudgetsToWad([0.5, 0.3, 0.2]); // [500000000000000000n, 300000000000000000n, 200000000000000000n]
 * riskBudgetsToWad([1 / 3, 1 / 3, 1 / 3]); // [333333333333333334n, 333333333333333333n, 333333333333333333n]
 * ```
 */
export function riskBudgetsToWad(budgets: readonly number[], path = "riskBudgets"): bigint[] {
  if (budgets.length === 0) throw new InputError("RISK_BUDGETS_EMPTY", "must list at least one budget", path);
  const exact = budgets.map((b, i) => {
    if (!Number.isFinite(b) || b <= 0 || b > 1) {
      throw new InputError("RISK_BUDGET_INVALID", `must be a fraction in (0, 1], got ${b}`, `${path}[${i}]`);
    }
    return decimalToWad(b, `${path}[${i}]`);
  });
  const total = exact.reduce((a, b) => a + b, 0n);
  if (total === WAD) return exact;
  const off = total > WAD ? total - WAD : WAD - total;
  if (off > 10n ** 9n) {
    throw new InputError("RISK_BUDGETS_SUM", `must sum to 1 (within 1e-9), got ${formatWad(total)}`, path);
  }
  const out = exact.map((m) => (m * WAD) / total);
  let remainder = WAD - out.reduce((a, b) => a + b, 0n);
  const order = exact
    .map((m, i) => ({ i, rest: (m * WAD) % total }))
    .sort((a, b) => (a.rest === b.rest ? a.i - b.i : a.rest > b.rest ? -1 : 1));
  for (const { i } of order) {
    if (remainder === 0n) break;
    out[i] = (out[i] ?? 0n) + 1n;
    remainder -= 1n;
  }
  return out;
}

/** The decimal a JSON number was written as (shortest round-trip form) × 1e18: exact up to 18 decimals. */
function decimalToWad(x: number, path: string): bigint {
  const match = /^(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/.exec(String(x));
  if (match === null) throw new InputError("RISK_BUDGET_INVALID", `not a decimal fraction: ${x}`, path);
  const fraction = match[2] ?? "";
  const digits = BigInt(`${match[1] ?? "0"}${fraction}`);
  const scale = 18 + Number(match[3] ?? "0") - fraction.length;
  if (scale >= 0) return digits * 10n ** BigInt(scale);
  // Beyond 18 decimals (e.g. 1/634 written by a script): to the nearest wei, half up.
  const unit = 10n ** BigInt(-scale);
  const wad = (digits + unit / 2n) / unit;
  if (wad === 0n) throw new InputError("RISK_BUDGET_INVALID", `below 1e-18, rounds to 0 in WAD: ${x}`, path);
  return wad;
}

function formatWad(x: bigint): string {
  return `${x / WAD}.${(x % WAD).toString().padStart(18, "0")}`;
}

/**
 * The ERC risk budgets a cycle may use: `undefined` (equal budgets) when the registry's
 * `riskBudgetsHash` is 0 and the constraint set lists none; otherwise the constraint set's
 * `riskBudgets` (fractions, vault order), after checking that keccak256(abi.encode(uint256[] WAD))
 * equals the registry's hash. Refusals, before anything is submitted: {@link RejectedError}
 * `RISK_BUDGETS_MISMATCH` (hash differs, budgets missing while a hash is set, or budgets present
 * while the registry says equal budgets); {@link InputError} for a wrong length or invalid budgets.
 *
 * @example
 * ```ts
 * const riskBudgets = verifyRiskBudgets(constraintSet.riskBudgets, assets, rawParams.riskBudgetsHash);
 * ```
 */
export function verifyRiskBudgets(
  budgets: readonly number[] | undefined,
  assets: readonly string[],
  registryHash: Hex,
  path = "constraintSet.riskBudgets",
): number[] | undefined {
  const zero = BigInt(registryHash) === 0n;
  if (budgets === undefined) {
    if (zero) return undefined;
    throw new RejectedError(
      "RISK_BUDGETS_MISMATCH",
      `the registry pins risk budgets (riskBudgetsHash ${registryHash}) but the constraint set lists none`,
      path,
    );
  }
  if (budgets.length !== assets.length) {
    throw new InputError(
      "RISK_BUDGETS_LENGTH",
      `expected ${assets.length} budgets (one per vault asset: ${assets.join(", ")}), got ${budgets.length}`,
      path,
    );
  }
  const wad = riskBudgetsToWad(budgets, path);
  const got = riskBudgetsHash(wad);
  if (zero) {
    throw new RejectedError(
      "RISK_BUDGETS_MISMATCH",
      `the registry's riskBudgetsHash is 0 (equal budgets) but the constraint set lists budgets hashing to ${got}`,
      path,
    );
  }
  if (got !== registryHash.toLowerCase()) {
    throw new RejectedError(
      "RISK_BUDGETS_MISMATCH",
      `budgets hash to ${got}, the registry's riskBudgetsHash is ${registryHash}`,
      path,
    );
  }
  return [...budgets];
}
