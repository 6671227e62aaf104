// The observability options of `keeper run` (and the fleet) read and checked without the network.
import { InputError } from "../../errors.ts";
import type { SyslogTarget } from "./syslog.ts";

/** The raw option values, as commander passes them. */
export interface ObservabilityOptionValues {
  readonly metricsPort?: string;
  readonly metricsHost?: string;
  readonly siemSyslog?: string;
  readonly siemWebhook?: string;
}

/** The checked options: what `startKeeperObservability` runs. */
export interface ObservabilityConfig {
  /** Where to serve `/metrics`; absent: no metrics endpoint. */
  readonly metrics?: { readonly port: number; readonly host: string };
  readonly syslog?: SyslogTarget;
  readonly webhook?: URL;
}

/** Default `--metrics-host`: loopback, so metrics are not exposed beyond the machine unless asked. */
export const DEFAULT_METRICS_HOST = "127.0.0.1";

/**
 * The checks of the observability options, one per option, each throwing an {@link InputError}
 * naming its option (`OPTION_INVALID` for the port and host, `SIEM_URL_INVALID` for a sink URL).
 * Run them with the CLI's `checkAll` beside the other options, so every problem is reported at
 * once, then combine the results with {@link observabilityConfig}.
 *
 * @example
 * ```ts
 * const [port, host, syslog, webhook] = checkAll(...observabilityChecks(opts), ...otherChecks);
 * observabilityConfig({ port, host, syslog, webhook });
 * ```
 */
export function observabilityChecks(
  values: ObservabilityOptionValues,
): [() => number | undefined, () => string, () => SyslogTarget | undefined, () => URL | undefined] {
  const { metricsPort: port, metricsHost: host, siemSyslog: syslog, siemWebhook: webhook } = values;
  return [
    () => (port === undefined ? undefined : metricsPort(port)),
    () => metricsHost(host),
    () => (syslog === undefined ? undefined : syslogTarget(syslog)),
    () => (webhook === undefined ? undefined : webhookUrl(webhook)),
  ];
}

/**
 * The checked values of {@link observabilityChecks} as one config; the metrics host alone (no
 * port) serves nothing.
 *
 * @example
 * ```ts
 * observabilityConfig({ port: 9464, host: "127.0.0.1", syslog: undefined, webhook: undefined });
 * // { metrics: { port: 9464, host: "127.0.0.1" } }
 * ```
 */
export function observabilityConfig(checked: {
  readonly port: number | undefined;
  readonly host: string;
  readonly syslog: SyslogTarget | undefined;
  readonly webhook: URL | undefined;
}): ObservabilityConfig {
  const { port, host, syslog, webhook } = checked;
  return {
    ...(port === undefined ? {} : { metrics: { port, host } }),
    ...(syslog === undefined ? {} : { syslog }),
    ...(webhook === undefined ? {} : { webhook }),
  };
}

/** `--metrics-port`: an integer port, 0 (any free one) to 65535. */
function metricsPort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65_535) {
    throw new InputError("OPTION_INVALID", `must be a port number 0–65535, got ${value}`, "--metrics-port");
  }
  return n;
}

function metricsHost(value: string | undefined): string {
  if (value === undefined) return DEFAULT_METRICS_HOST;
  if (value.trim() === "" || /\s/.test(value)) {
    throw new InputError("OPTION_INVALID", `must be a host name or IP address, got "${value}"`, "--metrics-host");
  }
  return value;
}

/** `--siem-syslog udp://host:port | tcp://host:port`. */
function syslogTarget(value: string): SyslogTarget {
  const url = parseUrl(value, "--siem-syslog");
  const protocol = url.protocol.slice(0, -1);
  if (protocol !== "udp" && protocol !== "tcp") {
    throw new InputError(
      "SIEM_URL_INVALID",
      `must be udp://host:port or tcp://host:port, got ${value}`,
      "--siem-syslog",
    );
  }
  if (url.hostname === "" || url.port === "" || (url.pathname !== "" && url.pathname !== "/") || url.search !== "") {
    throw new InputError(
      "SIEM_URL_INVALID",
      `must be ${protocol}://host:port (a host and a port, no path), got ${value}`,
      "--siem-syslog",
    );
  }
  return { protocol, host: url.hostname.replace(/^\[(.*)\]$/, "$1"), port: Number(url.port) };
}

/** `--siem-webhook http(s)://…`. */
function webhookUrl(value: string): URL {
  const url = parseUrl(value, "--siem-webhook");
  if ((url.protocol !== "https:" && url.protocol !== "http:") || url.hostname === "") {
    throw new InputError("SIEM_URL_INVALID", `must be an http:// or https:// URL, got ${value}`, "--siem-webhook");
  }
  return url;
}

function parseUrl(value: string, option: string): URL {
  try {
    return new URL(value);
  } catch (cause) {
    throw new InputError("SIEM_URL_INVALID", `not a URL: ${value}`, option, { cause });
  }
}
