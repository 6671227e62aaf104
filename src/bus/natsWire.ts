// The bus's wire format on NATS JetStream: the stream it creates and the envelope each message
// body carries. Kept apart from the bus class so the protocol can be read on its own.
import { RetentionPolicy, StorageType, type JetStreamManager, type JsMsg } from "@nats-io/jetstream";
import { nanos } from "@nats-io/transport-node";
import type { BusMessage } from "./messageBus.ts";
import { DEFAULT_DEDUP_WINDOW_MS } from "./common.ts";
import { parsePayload, TOPICS, type Topic } from "./topics.ts";

/** The stream limits {@link ensureStream} applies when it creates the stream. */
export interface StreamOptions {
  readonly dedupWindowMs?: number;
  readonly maxAgeMs?: number;
  readonly replicas?: number;
}

// What travels in the message body; the id is also the `Nats-Msg-Id` header.
export interface Envelope {
  readonly id: string;
  readonly topic: string;
  readonly payload: unknown;
}

/** Creates the bus's stream over every topic family unless it exists (or another process made it first). */
export async function ensureStream(
  jsm: JetStreamManager,
  stream: string,
  prefix: string,
  options: StreamOptions,
): Promise<void> {
  const exists = await jsm.streams.info(stream).then(
    () => true,
    () => false,
  );
  if (exists) return;
  const families = [...new Set(TOPICS.map((t) => (t.includes(".") ? `${t.split(".")[0]}.>` : t)))];
  try {
    await jsm.streams.add({
      name: stream,
      subjects: families.map((family) => `${prefix}${family}`),
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      duplicate_window: nanos(options.dedupWindowMs ?? DEFAULT_DEDUP_WINDOW_MS),
      max_age: nanos(options.maxAgeMs ?? 0),
      num_replicas: options.replicas ?? 1,
    });
  } catch (error) {
    // Two processes starting together: the other one created it first.
    const raced = await jsm.streams.info(stream).then(
      () => true,
      () => false,
    );
    if (!raced) throw error;
  }
}

/** A delivered message parsed, or why it cannot be (it goes to the dead letters). */
export type Decoded = { ok: true; message: BusMessage } | { ok: false; id: string; error: string };

/** Parses a JetStream message's envelope and checks its payload against the topic's schema. */
export function decode(topic: Topic, m: JsMsg): Decoded {
  const headerId = m.headers?.get("Nats-Msg-Id") || `seq-${m.seq}`;
  let envelope: Partial<Envelope>;
  try {
    envelope = m.json<Partial<Envelope>>();
  } catch {
    return { ok: false, id: headerId, error: "body is not JSON" };
  }
  if (typeof envelope !== "object" || envelope === null || typeof envelope.id !== "string") {
    return { ok: false, id: headerId, error: "body is not a bus envelope {id, topic, payload}" };
  }
  if (envelope.topic !== topic) {
    return { ok: false, id: envelope.id, error: `envelope topic ${String(envelope.topic)} is not ${topic}` };
  }
  try {
    const payload = parsePayload(topic, envelope.payload);
    return { ok: true, message: { id: envelope.id, topic, seq: m.seq, publishedAt: m.time.toISOString(), payload } };
  } catch (error) {
    return { ok: false, id: envelope.id, error: error instanceof Error ? error.message : String(error) };
  }
}
