import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

// The bus is a bottom layer (README: optimizer/protocol/bus at the bottom): it may import zod, the
// shared errors and its own files, never the layers that use it.
const busDir = new URL("../../src/bus/", import.meta.url).pathname;
const ABOVE = ["analytics", "views", "keeper", "audit", "chain", "dashboard", "demo", "cli"];

describe("bus layering", () => {
  it("imports nothing from the layers above it (the PortfolioMetrics schema lives in src/bus/)", () => {
    const offending: string[] = [];
    for (const file of readdirSync(busDir).filter((f) => f.endsWith(".ts"))) {
      const text = readFileSync(join(busDir, file), "utf8");
      for (const [, spec] of text.matchAll(/from\s+"([^"]+)"/g)) {
        if (spec !== undefined && ABOVE.some((layer) => spec.startsWith(`../${layer}/`))) {
          offending.push(`${file}: ${spec}`);
        }
      }
    }
    expect(offending).to.deep.equal([]);
  });
});
