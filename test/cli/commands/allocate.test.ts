import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CommanderError } from "commander";
import { allocateCommand } from "../../../src/cli/commands/allocate.ts";
import { EXIT_CODES, isPortfolioError } from "../../../src/errors.ts";
import type { AllocationResult } from "../../../src/optimizer/allocation/types.ts";
import { expectNear } from "../../helpers/expect.ts";

const root = join(import.meta.dirname, "../../..");
const stockPrices = join(root, "test/optimizer/estimators/fixtures/stock_prices.csv");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `portfolio allocate …` as src/cli/main.ts runs a command: one-line errors and their exit codes. */
async function allocate(args: readonly string[]): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => ((stdout += chunk), true)) as typeof process.stdout.write;
  try {
    await allocateCommand()
      .exitOverride()
      .configureOutput({ writeErr: (s) => (stderr += s), writeOut: (s) => (stdout += s) })
      .parseAsync([...args], { from: "user" });
    return { code: 0, stdout, stderr };
  } catch (error) {
    if (error instanceof CommanderError) return { code: error.exitCode === 0 ? 0 : 2, stdout, stderr };
    if (!isPortfolioError(error)) throw error;
    return { code: EXIT_CODES[error.kind], stdout, stderr: `portfolio: ${error.message} [${error.code}]\n` };
  } finally {
    process.stdout.write = write;
  }
}

function files(): { weights: string; optimizeOutput: string; prices: string } {
  const dir = mkdtempSync(join(tmpdir(), "allocate-cli-"));
  const weights = join(dir, "weights.json");
  writeFileSync(
    weights,
    JSON.stringify({
      weights: {
        GOOG: 0.03835,
        AAPL: 0.0689,
        FB: 0.20603,
        BABA: 0.07315,
        AMZN: 0.04033,
        BBY: 0.01324,
        MA: 0.35349,
        PFE: 0.1957,
        SBUX: 0.01082,
      },
    }),
  );
  const optimizeOutput = join(dir, "result.json");
  writeFileSync(optimizeOutput, JSON.stringify({ status: "optimal", assets: ["WETH", "USDC"], weights: [0.5, 0.5] }));
  const prices = join(dir, "latest.json");
  writeFileSync(prices, JSON.stringify({ WETH: 3000, USDC: 1 }));
  return { weights, optimizeOutput, prices };
}

describe("portfolio allocate", () => {
  it("allocates PyPortfolioOpt's README weights from the last row of stock_prices.csv: $11.89 left", async () => {
    const f = files();
    const run = await allocate(["--weights", f.weights, "--prices", stockPrices, "--nav", "10000"]);
    expect(run.code).to.equal(0);
    const result = JSON.parse(run.stdout) as AllocationResult;
    expect(result.method).to.equal("integer");
    expect(Object.fromEntries(result.allocation.map((a) => [a.asset, a.units]))).to.include({
      MA: "20",
      PFE: "54",
      FB: "12",
    });
    expectNear(result.leftover, 11.89, 0.005);
  });

  it("reads `portfolio optimize` output and token decimals as symbol=d,…", async () => {
    const f = files();
    const run = await allocate([
      "--weights",
      f.optimizeOutput,
      "--prices",
      f.prices,
      "--nav",
      "10000",
      "--decimals",
      "WETH=18,USDC=6",
      "--method",
      "greedy",
    ]);
    expect(run.code).to.equal(0);
    const result = JSON.parse(run.stdout) as AllocationResult;
    expect(result.allocation.map((a) => a.amount)).to.deep.equal(["1.666666666666666666", "5000"]);
  });

  it("--table prints the holdings and the leftover", async () => {
    const f = files();
    const run = await allocate([
      "--weights",
      f.optimizeOutput,
      "--prices",
      f.prices,
      "--nav",
      "10000",
      "--decimals",
      '{"USDC": 6}',
      "--table",
    ]);
    expect(run.code).to.equal(0);
    expect(run.stdout)
      .to.match(/WETH/)
      .and.to.match(/leftover/);
  });

  it("bad input exits 2 naming the option or field; nothing affordable exits 3", async () => {
    const f = files();
    const cases: [string[], number, RegExp][] = [
      [["--nav", "0"], 2, /\[NAV_NOT_POSITIVE\]/],
      [["--nav", "ten"], 2, /--nav.*\[OPTION_INVALID\]/],
      [["--nav", "100", "--method", "lp"], 2, /--method.*\[OPTION_INVALID\]/],
      [["--nav", "100", "--decimals", "WETH:18"], 2, /--decimals.*\[OPTION_INVALID\]/],
      [["--nav", "100", "--min-trade", "-5"], 2, /\[MIN_TRADE_NEGATIVE\]/],
      [["--nav", "0.5"], 3, /\[ALLOCATION_NOTHING_AFFORDABLE\]/],
      [["--nav", "100", "--time-limit", "0"], 2, /--time-limit.*\[OPTION_INVALID\]/],
      [["--nav", "100", "--time-limit", "soon"], 2, /--time-limit.*\[OPTION_INVALID\]/],
    ];
    for (const [extra, code, message] of cases) {
      const run = await allocate(["--weights", f.optimizeOutput, "--prices", f.prices, ...extra]);
      expect(run.code, extra.join(" ")).to.equal(code);
      expect(run.stderr, extra.join(" ")).to.match(message);
    }
  });

  it("an integer search cut short by --time-limit exits 3 (ALLOCATION_NOT_PROVEN); the next run allocates", async () => {
    const f = files();
    const args = ["--weights", f.weights, "--prices", stockPrices, "--nav", "1000000"];
    const cut = await allocate([...args, "--time-limit", "0.000001"]);
    expect(cut.code, cut.stderr).to.equal(3);
    expect(cut.stderr.trim()).to.match(
      /^portfolio: HiGHS did not prove an optimum within 0\.000001 s .* \[ALLOCATION_NOT_PROVEN\]$/,
    );
    const run = await allocate(args);
    expect(run.code, run.stderr).to.equal(0);
    expect((JSON.parse(run.stdout) as AllocationResult).warnings).to.deep.equal([]);
  });

  it("a weighted asset without a price exits 2 with PRICE_MISSING", async () => {
    const f = files();
    const prices = join(mkdtempSync(join(tmpdir(), "allocate-cli-")), "p.json");
    writeFileSync(prices, JSON.stringify({ WETH: 3000 }));
    const run = await allocate(["--weights", f.optimizeOutput, "--prices", prices, "--nav", "100"]);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.match(/prices\.USDC.*\[PRICE_MISSING\]/);
  });
});
