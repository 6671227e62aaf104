import { expect } from "chai";
import {
  escapeHtml,
  formatBps,
  formatDuration,
  formatNumber,
  formatPercent,
  formatPoints,
  formatTime,
  formatTokens,
  shortHex,
  testKey,
} from "../../src/dashboard/format.ts";

describe("dashboard/format", () => {
  it("prints fractions as percentages with two decimals", () => {
    expect(formatPercent(0.25)).to.equal("25.00%");
    expect(formatPercent(0.3395)).to.equal("33.95%");
    expect(formatPercent(-0.0123)).to.equal("-1.23%");
    expect(formatPercent(-0.00001)).to.equal("0.00%");
    expect(formatPercent(12.5)).to.equal("1,250.00%");
    expect(formatPercent(null)).to.equal("—");
    expect(formatPercent(Number.NaN)).to.equal("—");
  });

  it("prints differences in signed percentage points", () => {
    expect(formatPoints(0.0195)).to.equal("+1.95 pp");
    expect(formatPoints(-0.02)).to.equal("-2.00 pp");
    expect(formatPoints(0)).to.equal("0.00 pp");
  });

  it("groups thousands and fixes decimals", () => {
    expect(formatNumber(12456789.123, 2)).to.equal("12,456,789.12");
    expect(formatNumber(-1234.5, 1)).to.equal("-1,234.5");
    expect(formatNumber(612345, 0)).to.equal("612,345");
    expect(formatBps(12.44)).to.equal("12.4 bp");
    expect(formatTokens("1250000.5")).to.equal("1,250,000.5");
    expect(formatTokens("120500.250")).to.equal("120,500.25");
    expect(formatTokens("42")).to.equal("42");
  });

  it("prints UTC times and human durations", () => {
    expect(formatTime("2026-11-23T14:00:12Z")).to.equal("2026-11-23 14:00:12 UTC");
    expect(formatTime("2026-11-23T16:00:12+02:00")).to.equal("2026-11-23 14:00:12 UTC");
    expect(formatDuration(24)).to.equal("24.0 s");
    expect(formatDuration(2.345)).to.equal("2.35 s");
    expect(formatDuration(95)).to.equal("1 min 35 s");
    expect(formatDuration(7500)).to.equal("2 h 5 min");
  });

  it("escapes HTML and makes test keys", () => {
    expect(escapeHtml(`<img src=x onerror="a('b')">&`)).to.equal(
      "&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;",
    );
    expect(testKey("Real World/Assets")).to.equal("Real_World_Assets");
    expect(shortHex(`0x${"ab".repeat(32)}`)).to.equal("0xabab…abab");
    expect(shortHex("0x1234")).to.equal("0x1234");
  });
});
