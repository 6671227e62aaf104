import { expect } from "chai";
import { InputError } from "../../src/errors.ts";
import { optimize } from "../../src/optimizer/optimize.ts";
import type { EstimatorFunctions, PriceTable } from "../../src/optimizer/resolveInputs.ts";
import { thrown } from "./fixtures.ts";

// A stand-in for src/optimizer/estimators (another module): records what it receives and
// returns fixed annualised estimates, so these tests check only how inputs are routed.
function recordingEstimators(): EstimatorFunctions & {
  seen: { text?: string; source?: string; columns?: readonly string[] };
} {
  const seen: { text?: string; source?: string; columns?: readonly string[] } = {};
  const table = (columns: string[], rows: (number | null)[][]): PriceTable => ({
    dates: rows.map((_r, i) => `2024-01-0${i + 1}`),
    columns,
    rows,
  });
  return {
    seen,
    parsePricesCsv(text, source) {
      seen.text = text;
      if (source !== undefined) seen.source = source;
      const [header, ...lines] = text.trim().split("\n");
      return table(
        header!.split(",").slice(1),
        lines.map((l) => l.split(",").slice(1).map(Number)),
      );
    },
    // Inline tables are [date, price…] rows under a date header, as priceTableFromInline reads them.
    priceTableFromInline: ({ columns, rows }) =>
      table(
        columns.slice(1),
        rows.map((r) => r.slice(1) as (number | null)[]),
      ),
    estimateExpectedReturns(prices) {
      seen.columns = prices.columns;
      return Float64Array.from(prices.columns, (_c, i) => 0.05 + 0.02 * i);
    },
    estimateCovariance(prices) {
      const n = prices.columns.length;
      const data = new Float64Array(n * n);
      for (let i = 0; i < n; i++) data[i * n + i] = 0.04 + 0.01 * i;
      return { matrix: { n, data }, warnings: ["estimated"] };
    },
  };
}

const csv = "date,A,B,C\n2024-01-01,1,2,3\n2024-01-02,1.1,2.1,2.9\n2024-01-03,1.2,2.0,3.1\n";

describe("optimizer/resolveInputs", () => {
  it("reads a prices path from the supplied files, takes assets from its header, estimates μ and Σ", () => {
    const est = recordingEstimators();
    const r = optimize(
      { prices: "data/prices.csv", objective: "max-sharpe" },
      { files: { "data/prices.csv": csv }, estimators: est },
    );
    expect(est.seen.text).to.equal(csv);
    expect(est.seen.source).to.equal("data/prices.csv");
    expect(r.assets).to.deep.equal(["A", "B", "C"]);
    expect(r.status).to.equal("optimal");
    expect(r.warnings).to.deep.equal(["estimated"]);
  });

  it("selects and orders price columns by `assets`, and names a missing column", () => {
    const est = recordingEstimators();
    optimize(
      {
        assets: ["C", "A"],
        prices: {
          columns: ["date", "A", "B", "C"],
          rows: [
            ["2024-01-02", 1, 2, 3],
            ["2024-01-03", 1.1, 2.1, 3.2],
          ],
        },
      },
      { estimators: est },
    );
    expect(est.seen.columns).to.deep.equal(["C", "A"]);
    const error = thrown(() =>
      optimize({ assets: ["A", "Z"], prices: "p.csv" }, { files: { "p.csv": csv }, estimators: est }),
    );
    expect(error).to.be.instanceOf(InputError);
    expect([(error as InputError).code, (error as InputError).path]).to.deep.equal(["ASSET_NOT_IN_PRICES", "prices"]);
  });

  it("names a prices file that was not supplied", () => {
    const missing = thrown(() => optimize({ prices: "p.csv" }, { estimators: recordingEstimators() })) as InputError;
    expect([missing.code, missing.path]).to.deep.equal(["PRICES_FILE_NOT_LOADED", "prices"]);
  });
});
