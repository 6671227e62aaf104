import { expect } from "chai";
import { importGraph, moduleOf, type ImportEdge } from "./helpers/importGraph.ts";

/**
 * The layers of docs/architecture.md, bottom first. A module may import its own files and any
 * module of a lower layer; never one beside it or above it.
 */
const LAYERS: readonly (readonly string[])[] = [
  ["errors"],
  ["jsonFile"],
  ["optimizer", "protocol", "bus"],
  ["analytics", "views"],
  ["keeper", "audit", "chain", "backtest"],
  ["dashboard", "demo"],
  ["cli"],
];

function layerOf(module: string): number {
  const layer = LAYERS.findIndex((modules) => modules.includes(module));
  if (layer < 0)
    throw new Error(`src/${module} is in no layer of test/layers.test.ts: place it there and in docs/architecture.md`);
  return layer;
}

function violations(edges: readonly ImportEdge[]): string[] {
  return edges
    .filter((edge) => {
      const from = moduleOf(edge.from);
      const to = moduleOf(edge.to);
      return from !== to && layerOf(to) >= layerOf(from);
    })
    .map((edge) => `src/${edge.from} → src/${edge.to}`);
}

describe("layers", () => {
  const edges = importGraph("src");

  it("every import in src/ points to the importing module or a lower layer", () => {
    expect(violations(edges)).to.deep.equal([]);
  });

  it("the check sees an import that runs up or sideways", () => {
    const broken: ImportEdge[] = [
      { from: "audit/replayInstruction.ts", to: "keeper/cycle/plan.ts" },
      { from: "optimizer/optimize.ts", to: "cli/main.ts" },
    ];
    expect(violations(broken)).to.have.length(2);
  });

  it("reads the tree's imports (a graph with no edges would pass anything)", () => {
    expect(edges.length).to.be.greaterThan(200);
    expect(edges.some((e) => e.from.startsWith("cli/") && e.to.startsWith("keeper/"))).to.equal(true);
  });
});
