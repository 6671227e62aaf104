import { InputError } from "../errors.ts";

/** Parses a non-negative integer block number given on the command line. */
export function parseBlockNumber(value: string, field: string): bigint {
  if (!/^\d+$/.test(value)) throw new InputError("BLOCK_INVALID", `expected a block number, got "${value}"`, field);
  return BigInt(value);
}
