import { escapeHtml as esc } from "./format.ts";
import { renderPanels, type PanelId } from "./panels.ts";
import type { DashboardSnapshot } from "./snapshot.ts";

/** What a Server-Sent `snapshot` event carries: the data for the charts and the rendered panels. */
export interface SnapshotEvent {
  readonly snapshot: DashboardSnapshot;
  readonly panels: Record<PanelId, string>;
}

/**
 * The SSE payload for a snapshot.
 *
 * @example
 * ```ts
 * res.write(`event: snapshot\ndata: ${JSON.stringify(snapshotEvent(snap))}\n\n`);
 * ```
 */
export function snapshotEvent(snapshot: DashboardSnapshot): SnapshotEvent {
  return { snapshot, panels: renderPanels(snapshot) };
}

/** JSON that is safe inside a `<script type="application/json">` element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

function section(id: PanelId, title: string, panels: Record<PanelId, string>, chart?: string): string {
  const chartDiv =
    chart === undefined ? "" : `<div class="chart" id="chart-${id}" role="img" aria-label="${esc(chart)}"></div>`;
  return (
    `<section class="panel panel-${id}" aria-labelledby="h-${id}"><h2 id="h-${id}">${esc(title)}</h2>` +
    `${chartDiv}<div data-panel="${id}">${panels[id]}</div></section>`
  );
}

/**
 * The whole dashboard page for one snapshot: accessible HTML with inline CSS, the snapshot embedded
 * as JSON for the charts, and the module script that draws them and listens on `/events`.
 *
 * @example
 * ```ts
 * res.end(renderPage(await source.snapshot()));
 * ```
 */
export function renderPage(snapshot: DashboardSnapshot): string {
  const panels = renderPanels(snapshot);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${esc(snapshot.portfolio.id)} · Portfolio dashboard</title>
<style>${CSS}</style>
</head>
<body>
<header class="top">
  <h1>Portfolio dashboard</h1>
  <p class="live"><span id="live-status" data-testid="live-status" class="dot">connecting…</span></p>
  <div data-panel="header">${panels.header}</div>
</header>
<main>
${section("alerts", "Alerts", panels)}
${section("metrics", "Metrics", panels)}
<div class="grid">
${section("weights", "Weights vs targets", panels, "Grouped bars of current and target weight per asset")}
${section("risk", "Risk contributions", panels)}
${section("frontier", "Efficient frontier", panels, "Efficient frontier with the current, minimum-variance and maximum-Sharpe portfolios marked")}
${section("drift", "Drift over time", panels, "Maximum and L1 drift from target over time")}
</div>
${section("settlements", "Settlement history", panels)}
<div class="grid">
${section("audit", "Audit chains", panels)}
${section("proposals", "Open governance proposals", panels)}
</div>
${section("parameters", "Strategy parameters", panels)}
</main>
<script type="application/json" id="snapshot-data">${scriptJson(snapshot)}</script>
<script type="module" src="/app.js"></script>
</body>
</html>
`;
}

const CSS = `
:root { --fg:#1b1f24; --muted:#5b6470; --line:#d9dee5; --bg:#f5f7fa; --card:#fff; --accent:#2f6fdf;
  --ok:#1a7f37; --ok-bg:#dafbe1; --bad:#c0262d; --bad-bg:#ffe3e3; --warn:#9a6700; --warn-bg:#fff4c7;
  --info:#0b5cad; --info-bg:#ddf0ff; --pend:#6e5494; --pend-bg:#efe7fb; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color:var(--fg); background:var(--bg); }
header.top { background:#14213d; color:#fff; padding:16px 24px 12px; display:grid; grid-template-columns:1fr auto; gap:4px 24px; }
header.top h1 { margin:0; font-size:20px; font-weight:600; }
header.top [data-panel="header"] { grid-column:1 / -1; }
.identity { display:flex; flex-wrap:wrap; gap:4px 28px; margin:4px 0 0; }
.identity div { display:flex; gap:6px; align-items:baseline; }
.identity dt { color:#aab6cc; font-size:12px; text-transform:uppercase; letter-spacing:.04em; }
.identity dd { margin:0; font-weight:600; }
.identity code { color:#fff; background:rgba(255,255,255,.12); }
.live { margin:0; align-self:center; font-size:12px; }
.dot::before { content:""; display:inline-block; width:8px; height:8px; border-radius:50%; background:#aab6cc; margin-right:6px; }
.dot.on::before { background:#3fd16b; } .dot.off::before { background:#ff6b6b; }
main { padding:16px 24px 32px; display:flex; flex-direction:column; gap:16px; max-width:1400px; margin:0 auto; }
.grid { display:grid; grid-template-columns:repeat(auto-fit, minmax(560px, 1fr)); gap:16px; }
.panel { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:14px 18px; min-width:0; }
.panel h2 { margin:0 0 10px; font-size:16px; font-weight:600; }
.pair { display:grid; grid-template-columns:repeat(auto-fit, minmax(260px, 1fr)); gap:16px; }
.pair th, .pair td { padding:4px 5px; font-size:13px; }
.panel { overflow-x:auto; }
.chart { min-height:40px; overflow-x:auto; } .chart svg { max-width:100%; height:auto; }
table { border-collapse:collapse; width:100%; margin:6px 0 0; font-variant-numeric:tabular-nums; }
caption { text-align:left; color:var(--muted); font-size:12px; padding-bottom:4px; }
th, td { padding:5px 8px; border-bottom:1px solid var(--line); text-align:left; vertical-align:top; }
thead th { font-size:12px; color:var(--muted); font-weight:600; border-bottom:2px solid var(--line); }
tbody th { font-weight:600; } td.num, th.num { text-align:right; }
tfoot th, tfoot td { border-bottom:none; font-weight:600; }
table.params th { width:45%; font-weight:500; color:var(--muted); }
code { white-space:nowrap; font:12px ui-monospace, "DejaVu Sans Mono", monospace; background:#eef1f5; padding:1px 4px; border-radius:4px; }
.badge { display:inline-block; padding:1px 8px; border-radius:10px; font-size:12px; font-weight:600; white-space:nowrap; }
.status-finalized, .badge.ok { background:var(--ok-bg); color:var(--ok); }
.status-rolled-back, .badge.broken { background:var(--bad-bg); color:var(--bad); }
.status-pending, .badge.state { background:var(--pend-bg); color:var(--pend); }
tr.row-broken { background:#fff6f6; }
.reason { color:var(--bad); font-size:12px; margin-top:2px; }
.cards { display:grid; grid-template-columns:repeat(auto-fit, minmax(150px, 1fr)); gap:10px; }
.card { border:1px solid var(--line); border-radius:8px; padding:10px 12px; background:#fbfcfd; }
.card-label { color:var(--muted); font-size:12px; } .card-value { font-size:22px; font-weight:600; font-variant-numeric:tabular-nums; }
.alerts { list-style:none; margin:0; padding:0; display:flex; flex-direction:column; gap:6px; }
.alert { border-left:4px solid; padding:6px 10px; border-radius:4px; }
.alert time { color:var(--muted); font-size:12px; margin-left:6px; }
.alert .alert-values { font-variant-numeric:tabular-nums; }
.sev-critical { border-color:var(--bad); background:var(--bad-bg); } .badge.sev-critical { background:var(--bad); color:#fff; }
.sev-warning { border-color:var(--warn); background:var(--warn-bg); } .badge.sev-warning { background:var(--warn); color:#fff; }
.sev-info { border-color:var(--info); background:var(--info-bg); } .badge.sev-info { background:var(--info); color:#fff; }
.empty { color:var(--muted); font-style:italic; margin:4px 0; }
.note { color:var(--muted); font-size:12px; }
`;
