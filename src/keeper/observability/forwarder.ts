// Delivery of alerts to one SIEM sink off the cycle's path: a bounded queue drained by one worker
// that retries with backoff, so a slow or dead SIEM costs queued alerts, never a cycle.
import type { Logger } from "pino";
import type { Alert } from "../../bus/topics.ts";
import { withRetry, type WithRetryOptions } from "../retry.ts";
import type { SiemEvent, SiemSinkName } from "./metrics.ts";

/** One SIEM transport: delivers an alert or rejects (retried unless {@link SinkRefusedError}). */
export interface AlertSender {
  readonly name: SiemSinkName;
  /** Delivers `alert`; `signal` aborts a delivery in flight (shutdown). */
  send(alert: Alert, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

/** The sink answered and refused this alert (e.g. HTTP 400): sending it again cannot help. */
export class SinkRefusedError extends Error {
  override readonly name = "SinkRefusedError";
}

/** Options of {@link AlertForwarder}. */
export interface AlertForwarderOptions {
  readonly sender: AlertSender;
  readonly logger: Logger;
  /** Alerts waiting at most, besides the one in flight; when full the oldest is dropped (default 1 000, at least 1). */
  readonly maxQueue?: number;
  /** Backoff of one alert's attempts (default 6 retries, 500 ms doubling to 30 s, full jitter). */
  readonly retry?: Pick<WithRetryOptions, "retries" | "baseMs" | "maxMs" | "random">;
  /** Told each delivery, drop and queue length (the `portfolio_keeper_siem_*` metrics). */
  readonly onEvent?: (event: SiemEvent) => void;
}

/**
 * Forwards alerts to one sink in the order raised. {@link AlertForwarder.forward} only enqueues
 * and returns at once; one worker sends the head of the queue, retrying transport failures with
 * exponential backoff and full jitter, and gives an alert up (logged, counted) after its last
 * retry or a {@link SinkRefusedError}.
 *
 * @example
 * ```ts
 * const forwarder = new AlertForwarder({ sender: webhookSender(new URL("https://siem.example/hook")), logger });
 * forwarder.forward(alert); // never blocks
 * await forwarder.close(5_000); // deliver what it can within 5 s, then stop
 * ```
 */
export class AlertForwarder {
  private readonly queue: Alert[] = [];
  private readonly stop = new AbortController();
  private worker: Promise<void> | undefined;
  private readonly maxQueue: number;
  private readonly options: AlertForwarderOptions;

  constructor(options: AlertForwarderOptions) {
    this.options = options;
    this.maxQueue = Math.max(1, options.maxQueue ?? 1_000);
  }

  /** Alerts not yet delivered (the one being sent included). */
  get pending(): number {
    return this.queue.length;
  }

  /** Queues `alert` for delivery; drops the oldest queued alert when the queue is full. */
  forward(alert: Alert): void {
    if (this.stop.signal.aborted) return;
    // The head is in flight while the worker runs: the bound is on the alerts waiting behind it.
    const inFlight = this.worker === undefined ? 0 : 1;
    if (this.queue.length - inFlight >= this.maxQueue) {
      const [oldest] = this.queue.splice(inFlight, 1);
      this.options.logger.warn(
        { sink: this.options.sender.name, alert: oldest?.kind },
        "SIEM queue full; oldest alert dropped",
      );
      this.options.onEvent?.({ kind: "dropped", reason: "queue-full" });
    }
    this.queue.push(alert);
    this.options.onEvent?.({ kind: "queued", length: this.queue.length });
    this.start();
  }

  private start(): void {
    this.worker ??= this.drain().finally(() => {
      this.worker = undefined;
      // An alert queued between the drain's last look and now still gets its worker.
      if (this.queue.length > 0 && !this.stop.signal.aborted) this.start();
    });
  }

  /** Resolves when the queue is empty (or the forwarder stopped). */
  async idle(): Promise<void> {
    while (this.worker !== undefined) await this.worker;
  }

  /** Waits up to `graceMs` for the queue to drain, then abandons the rest and closes the sender. */
  async close(graceMs = 5_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([this.idle(), grace]);
    clearTimeout(timer);
    this.stop.abort(new Error("forwarder closed"));
    await this.worker?.catch(() => undefined);
    if (this.queue.length > 0) {
      this.options.logger.warn(
        { sink: this.options.sender.name, undelivered: this.queue.length },
        "SIEM alerts undelivered at shutdown",
      );
    }
    await this.options.sender.close();
  }

  private async drain(): Promise<void> {
    const { sender, logger, onEvent } = this.options;
    const retry = this.options.retry ?? {};
    for (let alert = this.queue[0]; alert !== undefined && !this.stop.signal.aborted; alert = this.queue[0]) {
      try {
        await withRetry(({ signal }) => sender.send(alert, signal), {
          retries: 6,
          baseMs: 500,
          maxMs: 30_000,
          ...retry,
          signal: this.stop.signal,
          isRetryable: (error) => !(error instanceof SinkRefusedError),
          onRetry: ({ attempt, delayMs, error }) =>
            logger.warn({ sink: sender.name, attempt, delayMs, err: String(error) }, "SIEM delivery failed, retrying"),
        });
        onEvent?.({ kind: "forwarded" });
      } catch (error) {
        if (this.stop.signal.aborted) return;
        logger.error({ sink: sender.name, alert, err: String(error) }, "SIEM delivery failed; alert dropped");
        onEvent?.({ kind: "dropped", reason: "failed" });
      }
      this.queue.shift();
      onEvent?.({ kind: "queued", length: this.queue.length });
    }
  }
}
