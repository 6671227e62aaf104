import { strict as assert } from "node:assert";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PortfolioError } from "../../../src/errors.ts";
import { parsePricesCsv } from "../../../src/optimizer/estimators/priceTable.ts";
import { alignBenchmark, readBenchmarkPrices } from "../../../src/keeper/cycle/benchmark.ts";

describe("keeper/benchmark", () => {
  const dir = mkdtempSync(join(tmpdir(), "benchmark-"));

  it("pairs each portfolio return with the benchmark's return over the same period only", () => {
    const priceDates = ["d0", "d1", "d2", "d3", "d4"];
    // The portfolio returns end on d1..d4; the benchmark lacks d2, so the periods d1→d2 and d2→d3
    // have no benchmark return and are dropped from both series (not paired with a two-day return).
    const benchmark = parsePricesCsv("date,MKT\nd0,100\nd1,110\nd3,99\nd4,108.9\n", "mkt.csv");
    const aligned = alignBenchmark(
      priceDates,
      ["d1", "d2", "d3", "d4"],
      Float64Array.of(0.1, 0.2, 0.3, 0.4),
      benchmark,
    );
    assert.deepEqual(aligned.dates, ["d1", "d4"]);
    assert.deepEqual([...aligned.returns], [0.1, 0.4]);
    assert.ok(Math.abs(aligned.benchmark[0]! - 0.1) < 1e-15);
    assert.ok(Math.abs(aligned.benchmark[1]! - 0.1) < 1e-15);
  });

  it("reads a one-column CSV and refuses other shapes, naming the file", async () => {
    const good = join(dir, "spy.csv");
    writeFileSync(good, "date,SPY\n2024-01-02,470\n2024-01-03,468.5\n");
    assert.deepEqual((await readBenchmarkPrices(good)).columns, ["SPY"]);
    const two = join(dir, "two.csv");
    writeFileSync(two, "date,SPY,QQQ\n2024-01-02,470,400\n2024-01-03,471,401\n");
    await assert.rejects(
      readBenchmarkPrices(two),
      (e: unknown) => e instanceof PortfolioError && e.code === "BENCHMARK_COLUMNS" && e.path === two,
    );
    await assert.rejects(
      readBenchmarkPrices(join(dir, "missing.csv")),
      (e: unknown) => e instanceof PortfolioError && e.code === "BENCHMARK_UNREADABLE" && e.kind === "bad-input",
    );
    const bad = join(dir, "bad.csv");
    writeFileSync(bad, "date,SPY\n2024-01-02,abc\n2024-01-03,471\n");
    await assert.rejects(readBenchmarkPrices(bad), (e: unknown) => e instanceof PortfolioError && e.path === bad);
  });
});
