import { expect } from "chai";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CommanderError } from "commander";
import { backtestCommand } from "../../../src/cli/commands/backtest.ts";
import { EXIT_CODES, isPortfolioError } from "../../../src/errors.ts";
import { buildOptimizerBundle } from "../../../src/protocol/optimizerBundle.ts";
import { expectNear } from "../../helpers/expect.ts";

const root = join(import.meta.dirname, "../../..");
const fixtures = join(root, "test/optimizer/estimators/fixtures");
const examples = join(root, "docs/examples");
const small = ["--in", join(examples, "backtest/min-variance.json"), "--prices", join(examples, "prices/prices.csv")];
const tmp = (): string => mkdtempSync(join(tmpdir(), "backtest-cli-"));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `portfolio backtest …` as src/cli/main.ts runs a command: one-line errors and their exit codes. */
async function backtest(args: readonly string[]): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => ((stdout += chunk), true)) as typeof process.stdout.write;
  try {
    await backtestCommand()
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

interface Summary {
  metrics: { cagr: number; sharpe: number; rebalances: number; days: number; beta: number | null; totalCosts: number };
  rebalances: { date: string; cost: number }[];
  outputs: string[];
}

describe("portfolio backtest", () => {
  it("20 assets, 1990–2018, monthly min-variance with 10 bp and SPY: metrics, CSVs and the tearsheet", async () => {
    const out = tmp();
    const run = await backtest([
      "--in",
      join(examples, "backtest/min-variance.json"),
      "--prices",
      join(fixtures, "stock_prices.csv"),
      "--benchmark",
      join(fixtures, "spy_prices.csv"),
      "--rebalance",
      "calendar:monthly",
      "--cost-bps",
      "10",
      "--out",
      out,
    ]);
    expect(run.code).to.equal(0);
    const summary = JSON.parse(run.stdout) as Summary;
    expect(summary.metrics.rebalances).to.equal(329);
    expect(summary.metrics.beta).to.not.equal(null);
    expect(summary.outputs.map((p) => p.slice(out.length + 1))).to.deep.equal([
      "backtest.json",
      "nav.csv",
      "weights.csv",
      "trades.csv",
      "costs.csv",
      "tearsheet.svg",
    ]);
    const nav = readFileSync(join(out, "nav.csv"), "utf8").trim().split("\n");
    expect(nav[0]).to.equal("date,nav,benchmark,drawdown");
    expect(nav).to.have.length(summary.metrics.days + 2);
    const costs = readFileSync(join(out, "costs.csv"), "utf8").trim().split("\n");
    expect(costs).to.have.length(330);
    const svg = readFileSync(join(out, "tearsheet.svg"), "utf8");
    for (const panel of ["NAV", "Drawdown", "Weights", "Turnover"]) expect(svg).to.contain(panel);
    const full = JSON.parse(readFileSync(join(out, "backtest.json"), "utf8")) as { metrics: Summary["metrics"] };
    expect(full.metrics).to.deep.equal(summary.metrics);
    expectNear(
      summary.metrics.totalCosts,
      summary.rebalances.reduce((s, k) => s + k.cost, 0),
      1e-6,
    );
  }).timeout(120_000);

  it("--table prints the metrics for people", async () => {
    const run = await backtest([...small, "--rebalance", "calendar:quarterly", "--lookback", "126", "--table"]);
    expect(run.code).to.equal(0);
    for (const row of [
      "CAGR",
      "Sharpe",
      "Sortino",
      "max drawdown",
      "tracking error",
      "turnover per year",
      "total costs",
    ]) {
      expect(run.stdout).to.contain(row);
    }
  });

  it("--costs adds the impact term; --cost-bps overrides its linear rate", async () => {
    const costs = join(tmp(), "costs.json");
    writeFileSync(costs, JSON.stringify({ costBps: 50, impact: { coefficient: 0.1, adv: 2e6 } }));
    const run = await backtest([
      ...small,
      "--rebalance",
      "calendar:monthly",
      "--lookback",
      "126",
      "--costs",
      costs,
      "--cost-bps",
      "5",
    ]);
    expect(run.code).to.equal(0);
    const summary = JSON.parse(run.stdout) as {
      settings: { costs: unknown };
      rebalances: { linearCost: number; impactCost: number; tradedNotional: number }[];
    };
    expect(summary.settings.costs).to.deep.equal({
      costBps: 5,
      impact: {
        coefficient: 0.1,
        adv: Object.fromEntries(["AAPL", "AMZN", "GOOG", "JPM", "XOM", "PFE", "WMT", "BAC"].map((a) => [a, 2e6])),
      },
    });
    for (const k of summary.rebalances) {
      expectNear(k.linearCost, 5e-4 * k.tradedNotional, 1e-9);
      expect(k.impactCost > 0).to.equal(true);
    }
  });

  it("--bundle runs the pinned optimiser bundle with the same results as the in-repo optimiser", async () => {
    const bundle = await buildOptimizerBundle({ root });
    const file = join(tmp(), "optimizer.mjs");
    writeFileSync(file, bundle.code);
    const args = [...small, "--rebalance", "calendar:monthly", "--lookback", "126", "--json"];
    const inRepo = await backtest(args);
    const pinned = await backtest([...args, "--bundle", file]);
    expect(pinned.code).to.equal(0);
    const a = JSON.parse(inRepo.stdout) as Summary;
    const b = JSON.parse(pinned.stdout) as Summary;
    expect(b.metrics).to.deep.equal(a.metrics);
  }).timeout(120_000);

  it("bad input exits 2 with one line naming the option", async () => {
    const holed = join(tmp(), "holed.csv");
    const lines = readFileSync(join(examples, "prices/prices.csv"), "utf8").split("\n");
    lines[400] = (lines[400] ?? "").replace(/,[^,]+,/, ",,");
    writeFileSync(holed, lines.join("\n"));
    const twoColumns = join(examples, "prices/prices.csv");
    const cases: [string[], string][] = [
      [
        [...small, "--rebalance", "calendar:monthly", "--from", "2019-01-01"],
        "--from: 2019-01-01 is after the last price date 2018-04-11 [DATE_OUT_OF_RANGE]",
      ],
      [[...small, "--rebalance", "calendar:monthly", "--to", "2015-01-01"], "[DATE_OUT_OF_RANGE]"],
      [[...small, "--rebalance", "calendar:monthly", "--from", "2016-13-01"], "--from: must be a date YYYY-MM-DD"],
      [[...small, "--rebalance", "calendar:quarterly", "--to", "2017-05-01"], "[POLICY_NEVER_FIRES]"],
      [[...small, "--rebalance", "calendar:monthly", "--lookback", "2"], "--lookback: must be an integer ≥ 3"],
      [
        [...small, "--rebalance", "calendar:monthly", "--from", "2016-06-01"],
        "--from: 2016-06-01 has 37 price rows up to it, --lookback needs 252",
      ],
      [[...small, "--rebalance", "monthly"], '--rebalance: unknown trigger "monthly"'],
      [
        ["--in", small[1] ?? "", "--prices", holed, "--rebalance", "calendar:monthly", "--lookback", "60"],
        "[MISSING_PRICE]",
      ],
      [
        [...small, "--rebalance", "once", "--benchmark", twoColumns],
        "--benchmark: must have one price column, has 8 [BENCHMARK_COLUMNS]",
      ],
      [[...small, "--rebalance", "once", "--cost-bps", "-3"], "--cost-bps: must be a number ≥ 0"],
    ];
    for (const [args, message] of cases) {
      const run = await backtest(args);
      expect(run.code, args.join(" ")).to.equal(2);
      expect(run.stderr).to.contain(message);
      expect(run.stderr.trim().split("\n")).to.have.length(1);
    }
  }).timeout(60_000);

  it("--help shows the policies and an Examples section", async () => {
    const run = await backtest(["--help"]);
    expect(run.code).to.equal(0);
    expect(run.stdout).to.contain("Examples:");
    expect(run.stdout).to.contain("calendar:monthly");
  });
});
