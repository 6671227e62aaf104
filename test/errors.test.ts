// The error hierarchy is recognised across copies of src/errors.ts: the pinned optimiser bundle
// carries its own (esbuild inlines it), so an error it throws must still be an InputError to the CLI.
import { strict as assert } from "node:assert";
import {
  EXIT_CODES,
  InfeasibleError,
  InputError,
  PortfolioError,
  RejectedError,
  isPortfolioError,
} from "../src/errors.ts";
import { SimulationRevertedError } from "../src/keeper/tx/errors.ts";

type ErrorsModule = typeof import("../src/errors.ts");

/** A second, separately evaluated copy of the module, as the bundle holds one. */
async function otherCopy(): Promise<ErrorsModule> {
  const url = new URL("../src/errors.ts", import.meta.url);
  url.search = `?copy=${Math.random()}`;
  return (await import(url.href)) as ErrorsModule;
}

describe("errors: one hierarchy across module copies", () => {
  it("a copy's InputError is an InputError and a PortfolioError here, with its kind and code", async () => {
    const copy = await otherCopy();
    assert.notEqual(copy.InputError, InputError, "the test needs a distinct copy");
    const e: unknown = new copy.InputError("INPUT_NOT_FINITE", "must be finite, got NaN", "prices[3].WETH");
    assert.ok(e instanceof InputError);
    assert.ok(e instanceof PortfolioError);
    assert.ok(isPortfolioError(e));
    assert.ok(!(e instanceof RejectedError));
    assert.ok(!(e instanceof InfeasibleError));
    assert.equal(EXIT_CODES[(e as PortfolioError).kind], 2);
    assert.equal((e as PortfolioError).code, "INPUT_NOT_FINITE");
  });

  it("each class of a copy matches only its own class and the base", async () => {
    const copy = await otherCopy();
    const rejected: unknown = new copy.RejectedError("NOT_KEEPER", "no");
    const infeasible: unknown = new copy.InfeasibleError("INFEASIBLE", "no");
    assert.ok(rejected instanceof RejectedError && !(rejected instanceof InputError));
    assert.ok(infeasible instanceof InfeasibleError && !(infeasible instanceof RejectedError));
    // A subclass outside errors.ts keeps prototype instanceof: a copy's RejectedError is not one.
    assert.ok(!(rejected instanceof SimulationRevertedError));
  });

  it("plain errors and look-alikes without the brand are not PortfolioErrors", () => {
    const lookalike = Object.assign(new Error("x"), { code: "X", kind: "bad-input" });
    assert.ok(!isPortfolioError(lookalike));
    assert.ok(!(lookalike instanceof PortfolioError));
    assert.ok(!isPortfolioError(null));
    assert.ok(!isPortfolioError("INPUT_NOT_FINITE"));
  });

  it("prototype instanceof still holds for subclasses defined elsewhere", () => {
    const e: unknown = new SimulationRevertedError("SIMULATION_REVERTED", "reverts", null);
    assert.ok(e instanceof SimulationRevertedError);
    assert.ok(e instanceof RejectedError);
    assert.ok(isPortfolioError(e));
  });
});
