// A MessageBus that tells an observer what the keeper publishes, so the metrics and the SIEM see
// every alert and metrics message the cycle and the loop raise, without a hook in either.
import type { MessageBus, PublishOptions, PublishReceipt } from "../../bus/messageBus.ts";
import { parsePayload, type Topic, type Topics } from "../../bus/topics.ts";

/** Told each valid payload before it is published (also when the bus then fails to store it). */
export type PublishObserver = <T extends Topic>(topic: T, payload: Topics[T]) => void;

/**
 * Wraps `bus`: `publish` first validates the payload and hands it to `observe`, then publishes it;
 * subscribe, history and close are the bus's own. An invalid payload is not observed (the bus
 * rejects it as before); an observer that throws does not stop the publish. Observing before the
 * bus stores the message means a NATS outage still reaches the SIEM.
 *
 * @example
 * ```ts
 * const bus = tapPublishes(await createBus(url), (topic, payload) => topic === "alerts" && forward(payload));
 * ```
 */
export function tapPublishes(bus: MessageBus, observe: PublishObserver): MessageBus {
  return {
    publish: async <T extends Topic>(
      topic: T,
      payload: Topics[T],
      options?: PublishOptions,
    ): Promise<PublishReceipt> => {
      let valid: Topics[T] | undefined;
      try {
        valid = parsePayload(topic, payload);
      } catch {
        valid = undefined;
      }
      if (valid !== undefined) {
        try {
          observe(topic, valid);
        } catch {
          // Observation is best effort: the message itself must still go out.
        }
      }
      return bus.publish(topic, payload, options);
    },
    subscribe: (topic, handler, options) => bus.subscribe(topic, handler, options),
    history: (topic, options) => bus.history(topic, options),
    close: () => bus.close(),
  };
}
