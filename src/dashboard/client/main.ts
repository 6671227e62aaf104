/// <reference lib="dom" />
// Browser entry of the dashboard, bundled by esbuild at server start (see ../assets.ts). It draws the
// charts from the snapshot embedded in the page and, on every Server-Sent `snapshot` event, swaps in
// the server-rendered panels and redraws. The tables are the source of truth; charts only illustrate.
import * as Plot from "@observablehq/plot";
import type { SnapshotEvent } from "../page.ts";
import type { DashboardSnapshot } from "../snapshot.ts";
import { percentTickFormat } from "../format.ts";

const COLOURS = { current: "#2f6fdf", target: "#f0a202", budget: "#14213d", l1: "#8c96a5", max: "#c0262d" };

function mount(id: string, chart: (width: number) => Element | null): void {
  const el = document.getElementById(id);
  if (el === null) return;
  el.replaceChildren();
  const width = Math.max(280, Math.floor(el.getBoundingClientRect().width) || 520);
  const node = chart(width);
  if (node !== null) el.append(node);
}

function weightsChart(s: DashboardSnapshot, width: number): Element | null {
  if (s.weights === null || s.weights.length === 0) return null;
  const data = s.weights.flatMap((w) => [
    { symbol: w.symbol, series: "current", value: w.weight },
    { symbol: w.symbol, series: "target", value: w.target },
  ]);
  return Plot.plot({
    width,
    height: 240,
    marginLeft: 48,
    fx: { label: null, padding: 0.2, domain: s.weights.map((w) => w.symbol) },
    x: { axis: null, domain: ["current", "target"] },
    y: { label: "weight", tickFormat: ".0%", grid: true },
    color: { legend: true, domain: ["current", "target"], range: [COLOURS.current, COLOURS.target] },
    marks: [
      Plot.barY(data, {
        fx: "symbol",
        x: "series",
        y: "value",
        fill: "series",
        title: (d: { value: number }) => `${(d.value * 100).toFixed(2)}%`,
      }),
      Plot.ruleY([0]),
    ],
  });
}

function riskChart(
  items: readonly { name: string; share: number; budget: number | null }[],
  width: number,
): Element | null {
  if (items.length === 0) return null;
  const budgets = items.filter((r) => r.budget !== null);
  return Plot.plot({
    width,
    height: 40 + 28 * items.length,
    marginLeft: 80,
    x: { label: "share of risk", tickFormat: ".0%", grid: true },
    y: { label: null, domain: items.map((r) => r.name) },
    marks: [
      Plot.barX(items, {
        y: "name",
        x: "share",
        fill: COLOURS.current,
        title: (r: { share: number }) => `${(r.share * 100).toFixed(2)}%`,
      }),
      Plot.tickX(budgets, { y: "name", x: "budget", stroke: COLOURS.budget, strokeWidth: 3 }),
      Plot.ruleX([0]),
    ],
  });
}

function frontierChart(s: DashboardSnapshot, width: number): Element | null {
  const f = s.frontier;
  if (f === null) return null;
  const marked = [
    { label: "min variance", ...f.minVariance, fill: "#8c96a5" },
    ...(f.maxSharpe === undefined ? [] : [{ label: "max Sharpe", ...f.maxSharpe, fill: COLOURS.target }]),
    ...(f.target === undefined ? [] : [{ label: "target", ...f.target, fill: "#1a7f37" }]),
    { label: "current", ...f.current, fill: COLOURS.max },
  ];
  const all = [...f.points, ...marked];
  // Tick labels with as many decimals as their step needs: a narrow frontier never repeats a label.
  const ticks = { x: Math.max(3, Math.round(width / 110)), y: 6 };
  return Plot.plot({
    width,
    height: 280,
    marginLeft: 56,
    marginRight: 72,
    // Keeps points at the ends of the axes, and their labels, clear of the ticks.
    inset: 14,
    x: {
      label: "volatility (annualised)",
      ticks: ticks.x,
      tickFormat: percentTickFormat(
        all.map((p) => p.volatility),
        ticks.x,
      ),
      grid: true,
    },
    y: {
      label: "expected return (annualised)",
      ticks: ticks.y,
      tickFormat: percentTickFormat(
        all.map((p) => p.return),
        ticks.y,
      ),
      grid: true,
    },
    marks: [
      Plot.line(f.points, { x: "volatility", y: "return", stroke: COLOURS.current, strokeWidth: 2 }),
      Plot.dot(f.points, { x: "volatility", y: "return", r: 2, fill: COLOURS.current }),
      Plot.dot(marked, { x: "volatility", y: "return", r: 6, fill: "fill", stroke: "white", strokeWidth: 1.5 }),
      // Labels alternate below and above so that nearby portfolios (current and target) stay readable.
      Plot.text(
        marked.filter((_m, i) => i % 2 === 0),
        { x: "volatility", y: "return", text: "label", dx: 9, dy: 9, textAnchor: "start", fontWeight: 600 },
      ),
      Plot.text(
        marked.filter((_m, i) => i % 2 === 1),
        { x: "volatility", y: "return", text: "label", dx: 9, dy: -9, textAnchor: "start", fontWeight: 600 },
      ),
    ],
  });
}

function driftChart(s: DashboardSnapshot, width: number): Element | null {
  if (s.drift === null || s.drift.length === 0) return null;
  const data = s.drift.flatMap((d) => [
    { time: new Date(d.time), series: "max |w − target|", value: d.maxDrift },
    { time: new Date(d.time), series: "Σ |w − target|", value: d.l1Drift },
  ]);
  const threshold = s.parameters?.driftThreshold;
  return Plot.plot({
    width,
    height: 240,
    marginLeft: 48,
    x: { label: null, type: "utc" },
    y: { label: "drift", tickFormat: ".1%", grid: true },
    color: { legend: true, domain: ["max |w − target|", "Σ |w − target|"], range: [COLOURS.max, COLOURS.l1] },
    marks: [
      ...(threshold === undefined ? [] : [Plot.ruleY([threshold], { stroke: COLOURS.budget, strokeDasharray: "4,3" })]),
      // Drift holds between observations and jumps when a target or the holdings change: steps, not ramps.
      Plot.line(data, { x: "time", y: "value", stroke: "series", strokeWidth: 2, curve: "step-after" }),
      Plot.ruleY([0]),
    ],
  });
}

function draw(s: DashboardSnapshot): void {
  mount("chart-weights", (w) => weightsChart(s, w));
  mount("chart-risk-asset", (w) => (s.risk === null ? null : riskChart(s.risk.byAsset, w)));
  mount("chart-risk-sector", (w) => (s.risk === null ? null : riskChart(s.risk.bySector, w)));
  mount("chart-frontier", (w) => frontierChart(s, w));
  mount("chart-drift", (w) => driftChart(s, w));
}

function apply(event: SnapshotEvent): void {
  for (const [id, html] of Object.entries(event.panels)) {
    const el = document.querySelector(`[data-panel="${id}"]`);
    if (el !== null) el.innerHTML = html;
  }
  draw(event.snapshot);
  document.body.dataset["generatedAt"] = event.snapshot.generatedAt;
}

function setLive(state: "on" | "off", text: string): void {
  const el = document.getElementById("live-status");
  if (el === null) return;
  el.className = `dot ${state}`;
  el.textContent = text;
}

const embedded = document.getElementById("snapshot-data")?.textContent;
if (embedded) {
  const snapshot = JSON.parse(embedded) as DashboardSnapshot;
  draw(snapshot);
  document.body.dataset["generatedAt"] = snapshot.generatedAt;
}
const events = new EventSource("/events");
events.addEventListener("open", () => setLive("on", "live"));
events.addEventListener("error", () => setLive("off", "reconnecting…"));
events.addEventListener("snapshot", (message) => {
  apply(JSON.parse((message as MessageEvent<string>).data) as SnapshotEvent);
  setLive("on", "live");
});
events.addEventListener("source-error", (message) =>
  setLive("off", `source error: ${(message as MessageEvent<string>).data}`),
);
document.body.dataset["ready"] = "true";
