// Alerts as RFC 5424 syslog messages, sent over UDP (RFC 5426: one message per datagram) or TCP
// (RFC 6587 octet counting: `<length> <message>`). MSG is the alert as JSON, every non-ASCII
// character escaped, so MSG is plain ASCII (MSG-ANY, no BOM) that any JSON parser reads.
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { hostname as osHostname } from "node:os";
import { connect, type Socket } from "node:net";
import type { Alert, AlertSeverity } from "../../bus/topics.ts";
import type { AlertSender } from "./forwarder.ts";

/** APP-NAME of every message. */
export const SYSLOG_APP_NAME = "portfolio-keeper";

/** Facility of every message: local0 (16), the first of the facilities left to local use. */
export const SYSLOG_FACILITY = 16;

/** Alert severity → syslog severity (RFC 5424 table 2): critical 2, warning 4, info 6. */
export const SYSLOG_SEVERITY: Readonly<Record<AlertSeverity, number>> = { critical: 2, warning: 4, info: 6 };

/** Where syslog messages go: the parsed `--siem-syslog udp://host:port | tcp://host:port`. */
export interface SyslogTarget {
  readonly protocol: "udp" | "tcp";
  readonly host: string;
  readonly port: number;
}

/** The header fields that are not the alert's. */
export interface SyslogHeader {
  /** HOSTNAME (default the machine's host name). */
  readonly hostname?: string;
  /** PROCID (default this process's pid). */
  readonly procId?: string;
}

/**
 * The RFC 5424 message for one alert: `<PRI>1 TIMESTAMP HOSTNAME portfolio-keeper PROCID KIND - MSG`,
 * PRI = facility local0 · 8 + the alert's {@link SYSLOG_SEVERITY}, TIMESTAMP the alert's `at` in
 * UTC, MSGID the alert kind, no structured data, MSG the alert's JSON (ASCII).
 *
 * @example
 * ```ts
 * formatSyslogMessage({ kind: "drift", severity: "warning", message: "drift 2.1 %", at: "2026-12-04T21:00:00.000Z" }, { hostname: "k1", procId: "42" });
 * // '<132>1 2026-12-04T21:00:00.000Z k1 portfolio-keeper 42 drift - {"kind":"drift",…}'
 * ```
 */
export function formatSyslogMessage(alert: Alert, header: SyslogHeader = {}): string {
  const pri = SYSLOG_FACILITY * 8 + SYSLOG_SEVERITY[alert.severity];
  const at = new Date(alert.at);
  const timestamp = Number.isNaN(at.getTime()) ? "-" : at.toISOString();
  const host = headerField(header.hostname ?? osHostname(), 255);
  const procId = headerField(header.procId ?? String(process.pid), 128);
  const msgId = headerField(alert.kind, 32);
  return `<${pri}>1 ${timestamp} ${host} ${SYSLOG_APP_NAME} ${procId} ${msgId} - ${asciiJson(alert)}`;
}

/**
 * One message framed for TCP by octet counting (RFC 6587 §3.4.1): its length in bytes, a space,
 * the message.
 *
 * @example
 * ```ts
 * octetCounted("<134>1 …"); // "9 <134>1 …"
 * ```
 */
export function octetCounted(message: string): string {
  return `${Buffer.byteLength(message, "utf8")} ${message}`;
}

/** A header field: printable US-ASCII without spaces, at most `max` characters, `-` if empty. */
function headerField(value: string, max: number): string {
  const clean = value.replace(/[^\x21-\x7e]/g, "_").slice(0, max);
  return clean === "" ? "-" : clean;
}

/** JSON with every character outside printable ASCII escaped as \uXXXX (still the same JSON value). */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * Sends each alert to `target` as one {@link formatSyslogMessage}: a datagram over UDP, an
 * octet-counted frame over one TCP connection (opened on first use, opened again after it
 * drops). A failed send rejects, for the forwarder to retry.
 *
 * @example
 * ```ts
 * const sender = syslogSender({ protocol: "tcp", host: "siem.internal", port: 6514 });
 * await sender.send(alert);
 * await sender.close();
 * ```
 */
export function syslogSender(target: SyslogTarget, header: SyslogHeader = {}): AlertSender {
  return target.protocol === "udp" ? udpSender(target, header) : tcpSender(target, header);
}

function udpSender(target: SyslogTarget, header: SyslogHeader): AlertSender {
  let socket: UdpSocket | undefined;
  return {
    name: "syslog",
    send: (alert) =>
      new Promise<void>((resolve, reject) => {
        socket ??= createSocket(target.host.includes(":") ? "udp6" : "udp4").unref();
        socket.send(Buffer.from(formatSyslogMessage(alert, header), "utf8"), target.port, target.host, (error) =>
          error ? reject(error) : resolve(),
        );
      }),
    close: async () => {
      const open = socket;
      socket = undefined;
      if (open !== undefined) await new Promise<void>((resolve) => open.close(() => resolve()));
    },
  };
}

/** Longest wait for a TCP connection to the syslog receiver, ms: a black-holed host is a failed attempt. */
export const SYSLOG_CONNECT_TIMEOUT_MS = 10_000;

function tcpSender(target: SyslogTarget, header: SyslogHeader): AlertSender {
  let socket: Promise<Socket> | undefined;
  const open = (signal?: AbortSignal): Promise<Socket> =>
    new Promise<Socket>((resolve, reject) => {
      const s = connect({ host: target.host, port: target.port, timeout: SYSLOG_CONNECT_TIMEOUT_MS });
      const fail = (error: Error): void => {
        s.destroy();
        reject(error);
      };
      const onTimeout = (): void => fail(new Error(`syslog: no connection to ${target.host}:${target.port} in time`));
      const onAbort = (): void => fail(new Error("syslog: connection aborted"));
      signal?.addEventListener("abort", onAbort, { once: true });
      s.once("timeout", onTimeout);
      s.once("error", fail);
      s.once("connect", () => {
        s.off("error", fail);
        s.off("timeout", onTimeout);
        s.setTimeout(0);
        signal?.removeEventListener("abort", onAbort);
        // A dropped connection shows as a destroyed socket at the next send, which opens another.
        s.on("error", () => undefined);
        resolve(s);
      });
    });
  const connection = async (signal?: AbortSignal): Promise<Socket> => {
    const current = await socket?.catch(() => undefined);
    if (current !== undefined && !current.destroyed && current.writable) return current;
    socket = open(signal);
    return socket;
  };
  return {
    name: "syslog",
    send: async (alert, signal) => {
      const s = await connection(signal).catch((error: unknown) => {
        socket = undefined;
        throw error;
      });
      await new Promise<void>((resolve, reject) => {
        s.write(octetCounted(formatSyslogMessage(alert, header)), "utf8", (error) =>
          error ? reject(error) : resolve(),
        );
      });
    },
    close: async () => {
      const pending = socket;
      socket = undefined;
      const s = await pending?.catch(() => undefined);
      if (s === undefined || s.destroyed) return;
      // A receiver that never reads would hold end() forever: give it a second, then drop the socket.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          s.destroy();
          resolve();
        }, 1_000);
        s.end(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}
