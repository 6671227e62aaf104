// Child process of bench/endToEnd.bench.ts: times `optimize()` as a user's program meets it, in a
// process of its own so that the first call is really the first. Prints one JSON line.
//
//   node bench/endToEndRunner.ts problem.json [repeat] [warmup]
//
// `importMs` is loading the optimiser's modules, `firstMs` the first `optimize()` call after it,
// `warmMs` the median of `repeat` calls after `warmup` more untimed ones (V8 is still optimising
// the JavaScript over the first few calls), each on a freshly parsed copy of the problem (nothing
// is cached between calls).
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

const [path, repeatArg, warmupArg] = process.argv.slice(2);
if (path === undefined) throw new Error("usage: node bench/endToEndRunner.ts problem.json [repeat] [warmup]");
const repeat = Number(repeatArg ?? 9);
const warmup = Number(warmupArg ?? 4);
const text = readFileSync(path, "utf8");
const importStart = performance.now();
const { optimize } = await import("../src/optimizer/optimize.ts");
const importMs = performance.now() - importStart;

const firstInput: unknown = JSON.parse(text);
const firstStart = performance.now();
const first = optimize(firstInput);
const firstMs = performance.now() - firstStart;

for (let i = 0; i < warmup; i++) optimize(JSON.parse(text));
const times: number[] = [];
for (let i = 0; i < repeat; i++) {
  const input: unknown = JSON.parse(text);
  const start = performance.now();
  optimize(input);
  times.push(performance.now() - start);
}
times.sort((a, b) => a - b);
const mid = Math.floor(times.length / 2);
const warmMs = times.length % 2 === 1 ? times[mid] : ((times[mid - 1] ?? 0) + (times[mid] ?? 0)) / 2;
process.stdout.write(
  `${JSON.stringify({
    status: first.status,
    importMs,
    firstMs,
    warmMs: warmMs ?? null,
    variance: first.volatility === null ? null : first.volatility ** 2,
    solver: first.diagnostics.solver,
  })}\n`,
);
