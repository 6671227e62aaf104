/**
 * Formatting for people, locale-independent so that the page reads the same everywhere and tests can
 * assert exact strings. Missing values print as an em dash.
 */

/** Printed for a value that is absent. */
export const MISSING = "—";

/**
 * A fraction as a percentage with two decimals: `0.25 → "25.00%"`.
 *
 * @example
 * ```ts
 * formatPercent(-0.0123); // "-1.23%"
 * ```
 */
export function formatPercent(fraction: number | null | undefined, decimals = 2): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return MISSING;
  return `${fixed(fraction * 100, decimals)}%`;
}

/**
 * A signed difference of fractions in percentage points: `0.012 → "+1.20 pp"`.
 *
 * @example
 * ```ts
 * formatPoints(-0.005); // "-0.50 pp"
 * ```
 */
export function formatPoints(fraction: number | null | undefined): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return MISSING;
  const text = fixed(fraction * 100, 2);
  return `${text.startsWith("-") || text === "0.00" ? text : `+${text}`} pp`;
}

/**
 * A plain number with fixed decimals and thousands separators: `12345.678 → "12,345.68"`.
 *
 * @example
 * ```ts
 * formatNumber(1.4172, 2); // "1.42"
 * ```
 */
export function formatNumber(value: number | null | undefined, decimals = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return MISSING;
  return fixed(value, decimals);
}

/**
 * Basis points with one decimal: `12.34 → "12.3 bp"`.
 *
 * @example
 * ```ts
 * formatBps(8); // "8.0 bp"
 * ```
 */
export function formatBps(bps: number | null | undefined): string {
  if (bps === null || bps === undefined || !Number.isFinite(bps)) return MISSING;
  return `${fixed(bps, 1)} bp`;
}

/**
 * An ISO 8601 time as `YYYY-MM-DD HH:MM:SS UTC`.
 *
 * @example
 * ```ts
 * formatTime("2026-11-24T01:02:03.000Z"); // "2026-11-24 01:02:03 UTC"
 * ```
 */
export function formatTime(iso: string | null | undefined): string {
  if (iso === null || iso === undefined) return MISSING;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/**
 * A duration in seconds for people: `95 → "1 min 35 s"`.
 *
 * @example
 * ```ts
 * formatDuration(12.5); // "12.5 s"
 * ```
 */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return MISSING;
  if (seconds < 60) return `${fixed(seconds, seconds < 10 ? 2 : 1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds - minutes * 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/**
 * A whole-token decimal string with thousands separators, up to two decimals: `"1250000.5" → "1,250,000.5"`.
 *
 * @example
 * ```ts
 * formatTokens("42"); // "42"
 * ```
 */
export function formatTokens(amount: string | null | undefined): string {
  if (amount === null || amount === undefined) return MISSING;
  const [whole = "0", fraction = ""] = amount.split(".");
  const trimmed = fraction.slice(0, 2).replace(/0+$/, "");
  return `${groupThousands(whole)}${trimmed === "" ? "" : `.${trimmed}`}`;
}

/**
 * A hex value shortened to `0x1234…abcd` (the full value goes in a `title`).
 *
 * @example
 * ```ts
 * shortHex("0x" + "ab".repeat(32)); // "0xabab…abab"
 * ```
 */
export function shortHex(hex: string): string {
  return hex.length <= 14 ? hex : `${hex.slice(0, 6)}…${hex.slice(-4)}`;
}

/**
 * Escapes text for HTML element content and attribute values.
 *
 * @example
 * ```ts
 * escapeHtml('<b class="x">'); // "&lt;b class=&quot;x&quot;&gt;"
 * ```
 */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/**
 * A string usable inside a `data-testid`: anything but letters, digits, `.`, `_` and `-` becomes `_`.
 *
 * @example
 * ```ts
 * testKey("Real World Assets"); // "Real_World_Assets"
 * ```
 */
export function testKey(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, "_");
}

/**
 * The d3 format of percentage axis ticks over `values` with about `count` ticks: as many decimals
 * as the tick step needs, so that no two ticks print alike (a frontier spanning 7.5–9.5 % gets
 * `7.5% 8.0% 8.5%`, not `8% 8% 9%`). The step is d3's `tickStep` (1, 2 or 5 × 10^k), which Plot
 * uses for `ticks: count`.
 *
 * @example
 * ```ts
 * percentTickFormat([0.075, 0.095], 5); // ".1%"
 * ```
 */
export function percentTickFormat(values: readonly number[], count: number): string {
  const finite = values.filter((v) => Number.isFinite(v));
  const span = finite.length === 0 ? 0 : Math.max(...finite) - Math.min(...finite);
  if (!(span > 0) || !(count > 0)) return ".1%";
  const step0 = span / count;
  const power = Math.floor(Math.log10(step0));
  const error = step0 / 10 ** power;
  const factor = error >= Math.sqrt(50) ? 10 : error >= Math.sqrt(10) ? 5 : error >= Math.SQRT2 ? 2 : 1;
  const stepPercent = factor * 10 ** power * 100;
  return `.${Math.max(0, Math.ceil(-Math.log10(stepPercent) - 1e-9))}%`;
}

function fixed(value: number, decimals: number): string {
  // Avoid "-0.00" for tiny negatives.
  const text = value.toFixed(decimals);
  const normalised = /^-0\.?0*$/.test(text) ? text.slice(1) : text;
  const [whole = "0", fraction] = normalised.split(".");
  const sign = whole.startsWith("-") ? "-" : "";
  const grouped = groupThousands(sign === "" ? whole : whole.slice(1));
  return `${sign}${grouped}${fraction === undefined ? "" : `.${fraction}`}`;
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
