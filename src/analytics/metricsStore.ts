import type { MessageBus, Subscription } from "../bus/messageBus.ts";
import type { Alert } from "../bus/topics.ts";
import type { PortfolioMetrics } from "../bus/portfolioMetrics.ts";

/** One stored metrics record. */
export interface StoredMetrics {
  /** Bus message id (primary key: recording the same message twice stores it once). */
  readonly id: string;
  /** Bus sequence of the message, when it came from the bus. */
  readonly seq: number | null;
  /** ISO-8601 time the store received it. */
  readonly receivedAt: string;
  readonly metrics: PortfolioMetrics;
}

/** One stored alert. */
export interface StoredAlert {
  readonly id: string;
  readonly seq: number | null;
  readonly receivedAt: string;
  readonly alert: Alert;
}

/** A time-range query; bounds are inclusive and compare with the record's `at`. */
export interface MetricsQuery {
  /** Omitted for alerts → every portfolio (and alerts without one). Required for metrics. */
  readonly portfolio?: string;
  readonly from?: Date;
  readonly to?: Date;
  /** At most this many, the most recent ones (returned oldest first). Default 10 000. */
  readonly limit?: number;
}

/** Options of {@link MetricsStore.recordFromBus}. */
export interface RecordFromBusOptions {
  /** Consumer group of the recorder. Default `metrics-store`. */
  readonly durable?: string;
  /** Also record `alerts`. Default true. */
  readonly alerts?: boolean;
}

/**
 * Where metrics history lives: the embedded SQLite store by default; with NATS the JetStream
 * stream behind `analytics.portfolio` is the shared history (read it with `bus.history`).
 */
export interface MetricsStore {
  /** Stores one record; returns false when the id was already stored (nothing changes). */
  insertMetrics(id: string, metrics: PortfolioMetrics, seq?: number | null): Promise<boolean>;
  /** Records of one portfolio in a time range, oldest first. */
  queryMetrics(query: MetricsQuery & { readonly portfolio: string }): Promise<StoredMetrics[]>;
  /** The most recent record of a portfolio, if any. */
  latestMetrics(portfolio: string): Promise<StoredMetrics | undefined>;
  /** Every portfolio with at least one record, sorted. */
  portfolios(): Promise<string[]>;
  /** Stores one alert; false when the id was already stored. */
  insertAlert(id: string, alert: Alert, seq?: number | null): Promise<boolean>;
  /** Alerts in a time range, oldest first. */
  queryAlerts(query?: MetricsQuery): Promise<StoredAlert[]>;
  /**
   * Subscribes to `analytics.portfolio` (and `alerts`) in a durable group and stores every message
   * idempotently. Returns the subscriptions; close them (or the bus) to stop recording.
   */
  recordFromBus(bus: MessageBus, options?: RecordFromBusOptions): Promise<Subscription[]>;
  close(): Promise<void>;
}
