import { expect } from "chai";
import { parsePricesCsv, priceTableFromInline, selectAssets } from "../../../src/optimizer/estimators/index.ts";
import { inputErrorOf } from "./helpers.ts";
import { readData } from "./reference.ts";

describe("optimizer/estimators/priceTable", () => {
  it("parses dates, asset columns and empty cells as missing", () => {
    const table = parsePricesCsv("date,AAA,BBB\r\n2024-01-02,10,\r\n2024-01-03,10.5,20\r\n\r\n", "p.csv");
    expect(table.dates).to.deep.equal(["2024-01-02", "2024-01-03"]);
    expect(table.columns).to.deep.equal(["AAA", "BBB"]);
    expect(table.rows).to.deep.equal([
      [10, null],
      [10.5, 20],
    ]);
    expect(table.source).to.equal("p.csv");
  });

  it("accepts a BOM, quoted names and exponents", () => {
    const table = parsePricesCsv('\uFEFFdate, "A,B" , C\n2024-01-02,1e2,.5\n2024-01-03,"101",0.6\n');
    expect(table.columns).to.deep.equal(["A,B", "C"]);
    expect(table.rows).to.deep.equal([
      [100, 0.5],
      [101, 0.6],
    ]);
  });

  it("reads PyPortfolioOpt's stock_prices.csv: 7126 rows, 20 assets, leading gaps", () => {
    const table = parsePricesCsv(readData("stock_prices.csv"), "stock_prices.csv");
    expect(table.rows.length).to.equal(7126);
    expect(table.columns.length).to.equal(20);
    expect(table.columns[0]).to.equal("GOOG");
    expect(table.rows[0]![0]).to.equal(null);
    expect(table.rows[0]![1]).to.equal(0.117203);
  });

  it("names the row, date and asset of a bad cell", () => {
    const csv = "date,AAPL,MSFT\n2019-03-01,1,2\n2019-03-04,abc,2\n";
    const error = inputErrorOf(() => parsePricesCsv(csv, "prices"));
    expect(error.code).to.equal("PRICES_NOT_A_NUMBER");
    expect(error.path).to.equal("prices");
    expect(error.message).to.contain('row 3 (2019-03-04), column AAPL: "abc" is not a number');
  });

  it("rejects every malformed CSV with a named error", () => {
    const cases: [string, string][] = [
      ["", "PRICES_EMPTY"],
      ["date\n2024-01-01\n2024-01-02\n", "PRICES_NO_ASSETS"],
      ["date,A,A\n2024-01-01,1,1\n2024-01-02,1,1\n", "PRICES_DUPLICATE_COLUMN"],
      ["date,A,\n2024-01-01,1,1\n2024-01-02,1,1\n", "PRICES_COLUMN_NAME"],
      ["date,A,B\n2024-01-01,1\n2024-01-02,1,1\n", "PRICES_RAGGED"],
      ["date,A\n2024-01-01,1\n", "PRICES_TOO_FEW_ROWS"],
      ["date,A\n2024-01-01,1\n2024-01-01,2\n", "PRICES_DUPLICATE_DATE"],
      ["date,A\n2024-01-02,1\n2024-01-01,2\n", "PRICES_UNSORTED"],
      ["date,A\n2024-01-01,0\n2024-01-02,2\n", "PRICES_NOT_POSITIVE"],
      ["date,A\n2024-01-01,-3\n2024-01-02,2\n", "PRICES_NOT_POSITIVE"],
      ["date,A\n2024-01-01,NaN\n2024-01-02,2\n", "PRICES_NOT_A_NUMBER"],
      ["date,A\n2024-01-01,Infinity\n2024-01-02,2\n", "PRICES_NOT_A_NUMBER"],
      ["date,A\n2024-01-01,0x10\n2024-01-02,2\n", "PRICES_NOT_A_NUMBER"],
      ["date,A\n,1\n2024-01-02,2\n", "PRICES_MISSING_DATE"],
      ["date,A\n2024-01-01,1\n\n2024-01-02,2\n", "PRICES_BLANK_ROW"],
      ['date,"A\n2024-01-01,1\n2024-01-02,2\n', "PRICES_BAD_QUOTE"],
    ];
    for (const [csv, code] of cases) {
      const error = inputErrorOf(() => parsePricesCsv(csv, "prices.csv"));
      expect(error.code, csv).to.equal(code);
      expect(error.path, csv).to.equal("prices.csv");
    }
  });

  it("keeps non-ISO dates in the given order", () => {
    const table = parsePricesCsv("date,A\n03/01/2024,1\n02/01/2024,2\n");
    expect(table.dates).to.deep.equal(["03/01/2024", "02/01/2024"]);
  });

  it("validates the inline form with exact field paths", () => {
    const table = priceTableFromInline({
      columns: ["date", "A", "B"],
      rows: [
        ["2024-01-02", 1, null],
        ["2024-01-03", "1.5", 2],
      ],
    });
    expect(table.rows).to.deep.equal([
      [1, null],
      [1.5, 2],
    ]);
    const cases: [unknown, string, string][] = [
      [[1, 2], "PRICES_NOT_TABLE", "prices"],
      [{ columns: "x", rows: [] }, "PRICES_COLUMNS", "prices.columns"],
      [{ columns: ["date", "A", "A"], rows: [] }, "PRICES_DUPLICATE_COLUMN", "prices.columns"],
      [{ columns: ["date", "A"], rows: 3 }, "PRICES_ROWS", "prices.rows"],
      [{ columns: ["date", "A"], rows: [5] }, "PRICES_ROWS", "prices.rows[0]"],
      [{ columns: ["date", "A"], rows: [["2024-01-01"]] }, "PRICES_RAGGED", "prices.rows[0]"],
      [{ columns: ["date", "A"], rows: [[20240101, 1]] }, "PRICES_MISSING_DATE", "prices.rows[0][0]"],
      [{ columns: ["date", "A"], rows: [["2024-01-01", Number.NaN]] }, "INPUT_NOT_FINITE", "prices.rows[0][1]"],
      [{ columns: ["date", "A"], rows: [["2024-01-01", Infinity]] }, "INPUT_NOT_FINITE", "prices.rows[0][1]"],
      [{ columns: ["date", "A"], rows: [["2024-01-01", true]] }, "INPUT_NOT_FINITE", "prices.rows[0][1]"],
      [{ columns: ["date", "A"], rows: [["2024-01-01", "abc"]] }, "PRICES_NOT_A_NUMBER", "prices.rows[0][1]"],
      [{ columns: ["date", "A"], rows: [["2024-01-01", -1]] }, "PRICES_NOT_POSITIVE", "prices.rows[0][1]"],
      [{ columns: ["date", "A"], rows: [["2024-01-01", 1]] }, "PRICES_TOO_FEW_ROWS", "prices"],
    ];
    for (const [inline, code, path] of cases) {
      const error = inputErrorOf(() => priceTableFromInline(inline));
      expect([error.code, error.path], JSON.stringify(inline)).to.deep.equal([code, path]);
    }
  });

  it("selects and orders assets, naming a missing or repeated one", () => {
    const table = parsePricesCsv("date,A,B,C\n2024-01-02,1,2,3\n2024-01-03,4,,6\n", "p.csv");
    const picked = selectAssets(table, ["C", "B"]);
    expect(picked.columns).to.deep.equal(["C", "B"]);
    expect(picked.rows).to.deep.equal([
      [3, 2],
      [6, null],
    ]);
    expect(picked.source).to.equal("p.csv");
    const missing = inputErrorOf(() => selectAssets(table, ["A", "Z"]));
    expect([missing.code, missing.path, missing.message]).to.deep.equal([
      "ASSET_NOT_IN_PRICES",
      "assets[1]",
      'assets[1]: "Z" is not a column of p.csv',
    ]);
    expect(inputErrorOf(() => selectAssets(table, ["A", "A"])).code).to.equal("ASSET_DUPLICATE");
    expect(inputErrorOf(() => selectAssets(table, [])).code).to.equal("ASSETS_EMPTY");
  });
});
