// Alerts POSTed as JSON to an HTTP(S) webhook (Splunk HEC-style collectors, SOAR, chat bridges).
import type { Alert } from "../../bus/topics.ts";
import { SinkRefusedError, type AlertSender } from "./forwarder.ts";
import { SYSLOG_APP_NAME } from "./syslog.ts";

/** Longest wait for one webhook request, ms: a hanging collector is a failed attempt, retried. */
export const WEBHOOK_TIMEOUT_MS = 10_000;

/**
 * Sends each alert as `POST <url>` with body `{"source":"portfolio-keeper","alert":{…}}`
 * (`content-type: application/json`). A 2xx is delivered; 408, 429 and 5xx, a timeout or a
 * network error reject to be retried; any other status is a {@link SinkRefusedError} (not retried).
 *
 * @example
 * ```ts
 * const sender = webhookSender(new URL("https://siem.example/hooks/keeper"));
 * await sender.send(alert);
 * ```
 */
export function webhookSender(url: URL, timeoutMs: number = WEBHOOK_TIMEOUT_MS): AlertSender {
  return {
    name: "webhook",
    send: async (alert: Alert, signal?: AbortSignal) => {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": SYSLOG_APP_NAME },
        body: JSON.stringify({ source: SYSLOG_APP_NAME, alert }),
        signal:
          signal === undefined
            ? AbortSignal.timeout(timeoutMs)
            : AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
      });
      // The body is not needed, but must be consumed so the connection is reused.
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return;
      const message = `webhook answered HTTP ${response.status}`;
      const retryable = response.status === 408 || response.status === 429 || response.status >= 500;
      throw retryable ? new Error(message) : new SinkRefusedError(message);
    },
    close: async () => undefined,
  };
}
