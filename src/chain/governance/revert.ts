import { BaseError, ContractFunctionRevertedError, getAddress, isAddress, type Address } from "viem";
import { InputError, RejectedError } from "../../errors.ts";

/** Turns a viem revert into a RejectedError that names the contract's custom error. */
export function rejected(code: string, what: string, error: unknown): RejectedError {
  if (error instanceof BaseError) {
    const revert = error.walk((e) => e instanceof ContractFunctionRevertedError);
    if (revert instanceof ContractFunctionRevertedError && revert.data) {
      const args = (revert.data.args ?? []).map((a) => (typeof a === "bigint" ? a.toString() : String(a)));
      return new RejectedError(code, `${what} reverts with ${revert.data.errorName}(${args.join(", ")})`, undefined, {
        cause: error,
      });
    }
    return new RejectedError(code, `${what} fails: ${error.shortMessage}`, undefined, { cause: error });
  }
  return new RejectedError(code, `${what} fails: ${(error as Error).message}`, undefined, { cause: error });
}

/** Parses an address given on the command line, naming the flag when it is not one. */
export function parseAccount(value: string, field: string): Address {
  if (!isAddress(value)) throw new InputError("ADDRESS_INVALID", `not an address: ${value}`, field);
  return getAddress(value);
}
