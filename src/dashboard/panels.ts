/**
 * Server-side rendering of the dashboard's tables, cards and lists. The browser draws only the
 * charts; every number a person (or a test) reads is in this HTML, with a stable `data-testid`.
 * The same functions render the first page and every Server-Sent-Events update.
 */
import {
  MISSING,
  escapeHtml as esc,
  formatBps,
  formatDuration,
  formatNumber,
  formatPercent,
  formatPoints,
  formatTime,
  formatTokens,
  shortHex,
  testKey,
} from "./format.ts";
import type { AlertView, DashboardSnapshot, ProposalView, RiskContribution, SettlementRecord } from "./snapshot.ts";
import { parseEvidenceDescription } from "../backtest/evidenceDescription.ts";

/** Identifiers of the panels, in page order; each is a `<div data-panel="…">` on the page. */
export const PANEL_IDS = [
  "header",
  "alerts",
  "metrics",
  "weights",
  "risk",
  "frontier",
  "drift",
  "settlements",
  "audit",
  "proposals",
  "parameters",
] as const;

/** One of {@link PANEL_IDS}. */
export type PanelId = (typeof PANEL_IDS)[number];

/**
 * Renders every panel's inner HTML.
 *
 * @example
 * ```ts
 * const html = renderPanels(snapshot).weights; // the weights table
 * ```
 */
export function renderPanels(snapshot: DashboardSnapshot): Record<PanelId, string> {
  return {
    header: renderHeader(snapshot),
    alerts: renderAlerts(snapshot),
    metrics: renderMetrics(snapshot),
    weights: renderWeights(snapshot),
    risk: renderRisk(snapshot),
    frontier: renderFrontier(snapshot),
    drift: renderDrift(snapshot),
    settlements: renderSettlements(snapshot),
    audit: renderAudit(snapshot),
    proposals: renderProposals(snapshot),
    parameters: renderParameters(snapshot),
  };
}

function empty(id: string, what: string): string {
  return `<p class="empty" data-testid="${id}-empty">No ${esc(what)} data yet.</p>`;
}

function td(testid: string, text: string, cls = "num"): string {
  return `<td class="${cls}" data-testid="${esc(testid)}">${esc(text)}</td>`;
}

function code(hex: string, testid: string): string {
  return `<code title="${esc(hex)}" data-testid="${esc(testid)}">${esc(shortHex(hex))}</code>`;
}

function renderHeader(s: DashboardSnapshot): string {
  const p = s.portfolio;
  const items: string[] = [
    `<div><dt>Portfolio</dt><dd data-testid="portfolio-id">${esc(p.id)}</dd></div>`,
    `<div><dt>Vault</dt><dd>${p.address === null ? `<span data-testid="portfolio-address">${MISSING}</span>` : code(p.address, "portfolio-address")}</dd></div>`,
    `<div><dt>Chain</dt><dd data-testid="portfolio-chain">${p.chainId === null ? MISSING : String(p.chainId)}</dd></div>`,
  ];
  if (p.nav !== undefined) {
    const unit = p.baseSymbol === undefined ? "" : ` ${esc(p.baseSymbol)}`;
    items.push(`<div><dt>NAV</dt><dd data-testid="portfolio-nav">${esc(formatNumber(p.nav, 2))}${unit}</dd></div>`);
  }
  items.push(`<div><dt>Snapshot</dt><dd data-testid="generated-at">${esc(formatTime(s.generatedAt))}</dd></div>`);
  return `<dl class="identity">${items.join("")}</dl>`;
}

function alertValue(alert: AlertView, value: number | undefined): string {
  if (value === undefined) return MISSING;
  if (alert.kind === "slippage") return formatBps(value);
  if (alert.kind === "drift" || alert.kind === "volatility") return formatPercent(value);
  return formatNumber(value, 4);
}

function renderAlerts(s: DashboardSnapshot): string {
  if (s.alerts === null) return empty("alerts", "alert");
  if (s.alerts.length === 0) return `<p class="empty" data-testid="alerts-none">No alerts.</p>`;
  const items = s.alerts.map((a, i) => {
    const limits =
      a.value === undefined
        ? ""
        : ` <span class="alert-values" data-testid="alert-${i}-value">${esc(alertValue(a, a.value))}${
            a.threshold === undefined ? "" : ` (limit ${esc(alertValue(a, a.threshold))})`
          }</span>`;
    return (
      `<li class="alert sev-${esc(a.severity)}" data-testid="alert-${i}" data-kind="${esc(a.kind)}">` +
      `<span class="badge sev-${esc(a.severity)}" data-testid="alert-${i}-severity">${esc(a.severity)}</span> ` +
      `<strong data-testid="alert-${i}-kind">${esc(a.kind)}</strong> ` +
      `<span data-testid="alert-${i}-message">${esc(a.message)}</span>${limits}` +
      ` <time datetime="${esc(a.at)}">${esc(formatTime(a.at))}</time></li>`
    );
  });
  return `<ul class="alerts" aria-live="polite" data-testid="alerts-list">${items.join("")}</ul>`;
}

function renderMetrics(s: DashboardSnapshot): string {
  const m = s.metrics;
  if (m === null) return empty("metrics", "metrics");
  const cards: readonly [string, string, string][] = [
    ["sharpe", "Sharpe ratio", formatNumber(m.sharpe, 2)],
    ["sortino", "Sortino ratio", formatNumber(m.sortino, 2)],
    ["tracking-error", "Tracking error", formatPercent(m.trackingError)],
    ["beta", "Beta", formatNumber(m.beta, 2)],
    ["max-drawdown", "Max drawdown", formatPercent(m.maxDrawdown)],
    [
      "optimisation-p95",
      "Optimisation p95",
      m.optimisationP95Ms === null ? MISSING : `${formatNumber(m.optimisationP95Ms, 1)} ms`,
    ],
    ["solver-iterations", "Solver iterations", formatNumber(m.solverIterations, 0)],
    ["settlement-latency", "Settlement latency", formatDuration(m.settlementLatencySeconds)],
  ];
  const window = m.window === undefined ? "" : `<p class="note">Return metrics over ${esc(m.window)}.</p>`;
  // A null metric with a published reason says why, instead of a bare dash.
  const labels = new Map(cards.map(([id, label]) => [id, label]));
  const reasons = new Map<string, string[]>();
  for (const [field, reason] of Object.entries(m.unavailable ?? {})) {
    const label = labels.get(field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`));
    if (label !== undefined) reasons.set(reason, [...(reasons.get(reason) ?? []), label]);
  }
  const unavailable =
    reasons.size === 0
      ? ""
      : `<p class="note" data-testid="metrics-unavailable">${[...reasons]
          .map(([reason, names]) => `${esc(names.join(" and "))}: ${esc(reason)}.`)
          .join(" ")}</p>`;
  return (
    `<div class="cards">${cards
      .map(
        ([id, label, value]) =>
          `<div class="card"><div class="card-label">${esc(label)}</div><div class="card-value" data-testid="metric-${id}">${esc(value)}</div></div>`,
      )
      .join("")}</div>` +
    window +
    unavailable
  );
}

function renderWeights(s: DashboardSnapshot): string {
  if (s.weights === null) return empty("weights", "weight");
  const rows = s.weights.map((w) => {
    const k = testKey(w.symbol);
    return (
      `<tr><th scope="row">${esc(w.symbol)}</th><td>${esc(w.sector)}</td>` +
      td(`weight-current-${k}`, formatPercent(w.weight)) +
      td(`weight-target-${k}`, formatPercent(w.target)) +
      td(`weight-diff-${k}`, formatPoints(w.weight - w.target)) +
      `</tr>`
    );
  });
  const sum = (f: (w: { weight: number; target: number }) => number): number =>
    s.weights === null ? 0 : s.weights.reduce((acc, w) => acc + f(w), 0);
  return (
    `<table><caption>Current and target weights, percent of NAV</caption>` +
    `<thead><tr><th scope="col">Asset</th><th scope="col">Sector</th><th scope="col" class="num">Current</th><th scope="col" class="num">Target</th><th scope="col" class="num">Current − target</th></tr></thead>` +
    `<tbody>${rows.join("")}</tbody>` +
    `<tfoot><tr><th scope="row">Total</th><td></td>${td("weight-current-total", formatPercent(sum((w) => w.weight)))}${td(
      "weight-target-total",
      formatPercent(sum((w) => w.target)),
    )}<td></td></tr></tfoot></table>`
  );
}

function riskTable(kind: "asset" | "sector", caption: string, items: readonly RiskContribution[]): string {
  const rows = items.map((r) => {
    const k = testKey(r.name);
    return (
      `<tr><th scope="row">${esc(r.name)}</th>` +
      td(`rc-${kind}-contribution-${k}`, formatPercent(r.contribution)) +
      td(`rc-${kind}-share-${k}`, formatPercent(r.share)) +
      td(`rc-${kind}-budget-${k}`, formatPercent(r.budget)) +
      `</tr>`
    );
  });
  return (
    `<table><caption>${esc(caption)}</caption>` +
    `<thead><tr><th scope="col">${kind === "asset" ? "Asset" : "Sector"}</th><th scope="col" class="num">Volatility contribution</th><th scope="col" class="num">Share of risk</th><th scope="col" class="num">Budget</th></tr></thead>` +
    `<tbody>${rows.join("")}</tbody></table>`
  );
}

function renderRisk(s: DashboardSnapshot): string {
  if (s.risk === null) return empty("risk", "risk");
  return (
    `<p>Portfolio volatility (annualised): <strong data-testid="risk-volatility">${esc(formatPercent(s.risk.volatility))}</strong></p>` +
    `<div class="pair"><div><div class="chart" id="chart-risk-asset" role="img" aria-label="Risk share by asset against budget"></div>` +
    riskTable("asset", "Risk contribution by asset", s.risk.byAsset) +
    `</div><div><div class="chart" id="chart-risk-sector" role="img" aria-label="Risk share by sector against budget"></div>` +
    riskTable("sector", "Risk contribution by sector", s.risk.bySector) +
    `</div></div>`
  );
}

function renderFrontier(s: DashboardSnapshot): string {
  const f = s.frontier;
  if (f === null) return empty("frontier", "frontier");
  const marked: [string, string, { volatility: number; return: number }][] = [
    ["current", "Current portfolio", f.current],
    ["min-variance", "Minimum variance", f.minVariance],
  ];
  if (f.maxSharpe !== undefined) marked.push(["max-sharpe", "Maximum Sharpe", f.maxSharpe]);
  if (f.target !== undefined) marked.splice(1, 0, ["target", "Target portfolio", f.target]);
  const rows = marked.map(([id, label, p]) => {
    const sharpe = p.volatility > 0 ? (p.return - f.riskFreeRate) / p.volatility : Number.NaN;
    return (
      `<tr><th scope="row">${esc(label)}</th>` +
      td(`frontier-${id}-volatility`, formatPercent(p.volatility)) +
      td(`frontier-${id}-return`, formatPercent(p.return)) +
      td(`frontier-${id}-sharpe`, formatNumber(sharpe, 2)) +
      `</tr>`
    );
  });
  return (
    `<table><caption>Marked portfolios (annualised; risk-free rate <span data-testid="frontier-risk-free">${esc(
      formatPercent(f.riskFreeRate),
    )}</span>; <span data-testid="frontier-points">${f.points.length}</span> frontier points)</caption>` +
    `<thead><tr><th scope="col">Portfolio</th><th scope="col" class="num">Volatility</th><th scope="col" class="num">Expected return</th><th scope="col" class="num">Sharpe</th></tr></thead>` +
    `<tbody>${rows.join("")}</tbody></table>`
  );
}

function renderDrift(s: DashboardSnapshot): string {
  if (s.drift === null) return empty("drift", "drift");
  const latest = s.drift.at(-1);
  if (latest === undefined) return `<p class="empty" data-testid="drift-none">No drift observations yet.</p>`;
  const threshold = s.parameters?.driftThreshold;
  const peak = s.drift.reduce((m, d) => Math.max(m, d.maxDrift), 0);
  const rows = s.drift
    .slice(-5)
    .reverse()
    .map(
      (d) =>
        `<tr><td>${esc(formatTime(d.time))}</td><td class="num">${esc(formatPercent(d.maxDrift))}</td><td class="num">${esc(formatPercent(d.l1Drift))}</td></tr>`,
    );
  return (
    `<p>Latest max drift <strong data-testid="drift-latest-max">${esc(formatPercent(latest.maxDrift))}</strong>, ` +
    `L1 drift <strong data-testid="drift-latest-l1">${esc(formatPercent(latest.l1Drift))}</strong>, ` +
    `peak <strong data-testid="drift-peak">${esc(formatPercent(peak))}</strong>` +
    (threshold === undefined
      ? ""
      : `, threshold <strong data-testid="drift-threshold">${esc(formatPercent(threshold))}</strong>`) +
    `.</p><table><caption>Most recent drift observations</caption>` +
    `<thead><tr><th scope="col">Time</th><th scope="col" class="num">Max |w − target|</th><th scope="col" class="num">Σ |w − target|</th></tr></thead>` +
    `<tbody>${rows.join("")}</tbody></table>`
  );
}

function latency(r: SettlementRecord): string {
  if (r.finalizedAt === undefined) return MISSING;
  return formatDuration((Date.parse(r.finalizedAt) - Date.parse(r.issuedAt)) / 1000);
}

function renderSettlements(s: DashboardSnapshot): string {
  if (s.settlements === null) return empty("settlements", "settlement");
  if (s.settlements.length === 0) return `<p class="empty" data-testid="settlements-none">No settlements yet.</p>`;
  const rows = s.settlements.map((r) => {
    const k = r.instructionId;
    return (
      `<tr data-testid="settlement-${k}"><th scope="row">${code(k, `settlement-id-${k}`)}</th>` +
      `<td><span class="badge status-${esc(r.status)}" data-testid="settlement-status-${k}">${esc(r.status)}</span>` +
      (r.reason === undefined
        ? ""
        : `<div class="reason" data-testid="settlement-reason-${k}">${esc(r.reason)}</div>`) +
      `</td><td>${esc(formatTime(r.issuedAt))}</td>` +
      td(`settlement-latency-${k}`, latency(r)) +
      td(`settlement-legs-${k}`, String(r.legs)) +
      td(`settlement-gas-${k}`, formatNumber(r.gasUsed, 0)) +
      td(`settlement-slippage-${k}`, formatBps(r.slippageBps)) +
      `</tr>`
    );
  });
  return (
    `<table><caption>Rebalance instructions, most recent first</caption>` +
    `<thead><tr><th scope="col">Instruction</th><th scope="col">Status</th><th scope="col">Issued</th><th scope="col" class="num">Latency</th><th scope="col" class="num">Legs</th><th scope="col" class="num">Gas</th><th scope="col" class="num">Worst slippage</th></tr></thead>` +
    `<tbody>${rows.join("")}</tbody></table>`
  );
}

function renderAudit(s: DashboardSnapshot): string {
  if (s.audit === null) return empty("audit", "audit-chain");
  if (s.audit.length === 0) return `<p class="empty" data-testid="audit-none">No audited contracts configured.</p>`;
  const rows = s.audit.map((a) => {
    const k = testKey(a.name);
    const status = a.ok
      ? `<span class="badge ok" data-testid="audit-status-${k}">✔ intact</span>`
      : `<span class="badge broken" data-testid="audit-status-${k}">✘ broken</span>` +
        (a.firstBreak === undefined
          ? ""
          : `<div class="reason" data-testid="audit-break-${k}">at entry ${a.firstBreak.position}: ${esc(a.firstBreak.reason)}</div>`);
    return (
      `<tr class="${a.ok ? "row-ok" : "row-broken"}"><th scope="row">${esc(a.name)}</th>` +
      `<td>${code(a.address, `audit-address-${k}`)}</td><td>${status}</td>` +
      `<td>${code(a.head, `audit-head-${k}`)}</td>` +
      td(`audit-count-${k}`, String(a.count)) +
      `</tr>`
    );
  });
  return (
    `<table><caption>Audit hash chains recomputed from logs</caption>` +
    `<thead><tr><th scope="col">Contract</th><th scope="col">Address</th><th scope="col">Status</th><th scope="col">Head</th><th scope="col" class="num">Entries</th></tr></thead>` +
    `<tbody>${rows.join("")}</tbody></table>`
  );
}

/**
 * A proposal's description cell: the text, and under it the backtest evidence it carries (the
 * summary current → proposed and the report's short sha256, `gov verify-evidence` checks it).
 */
function proposalDescription(p: ProposalView, k: string): string {
  const claim = parseEvidenceDescription(p.description);
  if (claim === null) return `<td data-testid="proposal-description-${k}">${esc(p.description)}</td>`;
  const text = p.description.trimEnd().slice(0, p.description.trimEnd().lastIndexOf("\nEvidence: ")).trimEnd();
  return (
    `<td><span data-testid="proposal-description-${k}">${esc(text)}</span>` +
    `<div class="evidence">Evidence: <span data-testid="proposal-evidence-${k}">${esc(claim.summary)}</span> ` +
    `(sha256 ${code(claim.sha256, `proposal-evidence-hash-${k}`)})</div></td>`
  );
}

function renderProposals(s: DashboardSnapshot): string {
  if (s.proposals === null) return empty("proposals", "proposal");
  if (s.proposals.length === 0) return `<p class="empty" data-testid="proposals-none">No open proposals.</p>`;
  const rows = s.proposals.map((p) => {
    const k = testKey(p.id);
    return (
      `<tr><th scope="row">${code(p.id, `proposal-id-${k}`)}</th>${proposalDescription(p, k)}` +
      `<td><span class="badge state" data-testid="proposal-state-${k}">${esc(p.state)}</span></td>` +
      td(`proposal-for-${k}`, formatTokens(p.votesFor)) +
      td(`proposal-against-${k}`, formatTokens(p.votesAgainst)) +
      `<td data-testid="proposal-eta-${k}">${esc(p.eta === undefined ? MISSING : formatTime(p.eta))}</td></tr>`
    );
  });
  return (
    `<table><caption>Open governance proposals (votes in governance tokens)</caption>` +
    `<thead><tr><th scope="col">Id</th><th scope="col">Description</th><th scope="col">State</th><th scope="col" class="num">For</th><th scope="col" class="num">Against</th><th scope="col">Executable at</th></tr></thead>` +
    `<tbody>${rows.join("")}</tbody></table>`
  );
}

function renderParameters(s: DashboardSnapshot): string {
  const p = s.parameters;
  if (p === null) return empty("parameters", "parameter");
  const rows: [string, string, string][] = [
    ["optimizer", "Optimiser", p.optimizerType],
    ["risk-aversion", "Risk aversion δ", formatNumber(p.riskAversion, 2)],
    ["tau", "Black-Litterman τ", formatNumber(p.tau, 4)],
    ["drift-threshold", "Drift threshold", formatPercent(p.driftThreshold)],
    ["volatility-budget", "Volatility budget (annualised)", formatPercent(p.volatilityBudget)],
    ["calendar", "Rebalance calendar (cron, UTC)", p.rebalanceCalendar],
    ["max-slippage", "Max slippage", formatBps(p.maxSlippageBps)],
    ["parameters-version", "Parameters version", String(p.parametersVersion)],
    ["constraints-version", "Constraint set version", String(p.constraintSetVersion)],
    ["optimizer-version", "Optimiser build", p.optimizerVersion],
  ];
  if (p.constraints !== undefined) {
    rows.push(["max-position", "Max position weight", formatPercent(p.constraints.maxPositionWeight)]);
    rows.push(["max-turnover", "Max turnover per rebalance", formatPercent(p.constraints.maxTurnover)]);
  }
  const hashes: string[] = [];
  if (p.optimizerBuildHash !== undefined)
    hashes.push(
      `<tr><th scope="row">Optimiser build hash</th><td>${code(p.optimizerBuildHash, "param-build-hash")}</td></tr>`,
    );
  if (p.constraints !== undefined)
    hashes.push(
      `<tr><th scope="row">Constraint set</th><td>${code(p.constraints.contentHash, "param-constraints-hash")} <span class="note">${esc(p.constraints.uri)}</span></td></tr>`,
    );
  return (
    `<table class="params"><caption>Strategy parameters in the ModelRegistry</caption><tbody>` +
    rows
      .map(([id, label, value]) => `<tr><th scope="row">${esc(label)}</th>${td(`param-${id}`, value, "")}</tr>`)
      .join("") +
    hashes.join("") +
    `</tbody></table>`
  );
}
