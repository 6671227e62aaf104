import { InputError } from "../errors.ts";
import { InProcessBus, type InProcessBusOptions } from "./inProcessBus.ts";
import type { MessageBus } from "./messageBus.ts";
import { NatsJetStreamBus, type NatsJetStreamBusOptions } from "./natsJetStreamBus.ts";

/** Options of {@link createBus}, passed to the implementation the URL selects. */
export type CreateBusOptions = InProcessBusOptions & Omit<NatsJetStreamBusOptions, "servers">;

/**
 * Opens the bus a URL names: `undefined` or `memory:` → {@link InProcessBus}; `nats://host:port`
 * (comma-separated for several servers, `tls://` too) → {@link NatsJetStreamBus}.
 *
 * @example
 * ```ts
 * const bus = await createBus(process.env.PORTFOLIO_BUS); // e.g. "nats://127.0.0.1:4222"
 * ```
 */
export async function createBus(url?: string, options: CreateBusOptions = {}): Promise<MessageBus> {
  if (url === undefined || url === "" || url === "memory:") return new InProcessBus(options);
  const servers = url.split(",").map((s) => s.trim());
  for (const server of servers) {
    if (!/^(nats|tls):\/\/[^\s/]+(:\d+)?\/?$/.test(server)) {
      throw new InputError(
        "BUS_INVALID_URL",
        `expected memory: or nats://host:port, got ${JSON.stringify(server)}`,
        "bus",
      );
    }
  }
  return NatsJetStreamBus.connect({ ...options, servers });
}
