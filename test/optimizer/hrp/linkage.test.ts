// The linkage against a second, independent construction: cluster distances recomputed from the
// original point distances at every step (min, max and mean over member pairs; Ward's
// √(2|A||B|/(|A|+|B|))·‖c_A − c_B‖ from the centroids), never by the Lance–Williams updates the
// implementation uses.
import { expect } from "chai";
import fc from "fast-check";
import { LINKAGE_METHODS, linkage, quasiDiagonalOrder, type LinkageMethod } from "../../../src/optimizer/hrp/index.ts";
import { expectNear } from "../../helpers/expect.ts";

type Point = readonly number[];

function euclidean(a: Point, b: Point): number {
  return Math.sqrt(a.reduce((s, v, k) => s + (v - b[k]!) ** 2, 0));
}

/** Naive agglomeration: returns the merge distances and merged member sets, in order. */
function naive(points: readonly Point[], method: LinkageMethod): { distance: number; members: number[] }[] {
  let clusters = points.map((_, i) => [i]);
  const out: { distance: number; members: number[] }[] = [];
  const between = (a: number[], b: number[]): number => {
    const pairs = a.flatMap((i) => b.map((j) => euclidean(points[i]!, points[j]!)));
    if (method === "single") return Math.min(...pairs);
    if (method === "complete") return Math.max(...pairs);
    if (method === "average") return pairs.reduce((s, v) => s + v, 0) / pairs.length;
    const centroid = (c: number[]): number[] =>
      points[0]!.map((_, k) => c.reduce((s, i) => s + points[i]![k]!, 0) / c.length);
    return Math.sqrt((2 * a.length * b.length) / (a.length + b.length)) * euclidean(centroid(a), centroid(b));
  };
  while (clusters.length > 1) {
    let best = { d: Number.POSITIVE_INFINITY, i: -1, j: -1 };
    for (let i = 0; i < clusters.length; i++)
      for (let j = i + 1; j < clusters.length; j++) {
        const d = between(clusters[i]!, clusters[j]!);
        if (d < best.d) best = { d, i, j };
      }
    const merged = [...clusters[best.i]!, ...clusters[best.j]!].sort((x, y) => x - y);
    out.push({ distance: best.d, members: merged });
    clusters = [...clusters.filter((_, k) => k !== best.i && k !== best.j), merged];
  }
  return out;
}

function membersOf(rows: ReturnType<typeof linkage>, n: number, node: number): number[] {
  if (node < n) return [node];
  const row = rows[node - n]!;
  return [...membersOf(rows, n, row.left), ...membersOf(rows, n, row.right)].sort((x, y) => x - y);
}

describe("optimizer/hrp/linkage", () => {
  it("labels as SciPy: smaller id left, merge k is cluster n + k, sizes add up", () => {
    const d = Float64Array.of(0, 1, 4, 1, 0, 2, 4, 2, 0);
    expect(linkage(d, 3, "single")).to.deep.equal([
      { left: 0, right: 1, distance: 1, size: 2 },
      { left: 2, right: 3, distance: 2, size: 3 },
    ]);
  });

  for (const method of LINKAGE_METHODS) {
    it(`${method}: same merges and distances as the naive construction`, () => {
      fc.assert(
        fc.property(
          fc.array(fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 3, maxLength: 3 }), {
            minLength: 2,
            maxLength: 9,
          }),
          (points) => {
            const n = points.length;
            const d = new Float64Array(n * n);
            for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) d[i * n + j] = euclidean(points[i]!, points[j]!);
            const rows = linkage(d, n, method);
            const reference = naive(points, method);
            // Ties make the merge order ambiguous; the generated points almost never tie.
            const distances = reference.map((r) => r.distance);
            fc.pre(new Set(distances.map((x) => x.toPrecision(9))).size === distances.length);
            rows.forEach((row, k) => {
              expectNear(row.distance, reference[k]!.distance, 1e-9 * (1 + reference[k]!.distance));
              expect(membersOf(rows, n, n + k)).to.deep.equal(reference[k]!.members);
              expect(row.size).to.equal(reference[k]!.members.length);
              expect(row.left).to.be.lessThan(row.right);
            });
          },
        ),
        { numRuns: 150, seed: 7 },
      );
    });
  }

  it("quasi-diagonal order visits every leaf once, left child first", () => {
    const rows = [
      { left: 0, right: 2, distance: 1, size: 2 },
      { left: 1, right: 3, distance: 2, size: 3 },
    ];
    expect(quasiDiagonalOrder(rows, 3)).to.deep.equal([1, 0, 2]);
    expect(quasiDiagonalOrder([], 1)).to.deep.equal([0]);
  });
});
