// The message bus: one import for the keeper, the dashboard and the analytics recorder.
export type {
  BusMessage,
  Delivery,
  Handler,
  HistoryOptions,
  MessageBus,
  PublishOptions,
  PublishReceipt,
  SubscribeOptions,
  Subscription,
} from "./messageBus.ts";
export type {
  Alert,
  AlertKind,
  AlertSeverity,
  InvestorViewMessage,
  PortfolioMetrics,
  RebalanceSignal,
  Topic,
  Topics,
} from "./topics.ts";
export { checkTopic, isTopic, parsePayload, topicSchemas, TOPICS } from "./topics.ts";
export { canonicalJson, contentId, BusClosedError } from "./common.ts";
export { InProcessBus, type InProcessBusOptions } from "./inProcessBus.ts";
export { NatsJetStreamBus, type NatsJetStreamBusOptions } from "./natsJetStreamBus.ts";
export { createBus, type CreateBusOptions } from "./createBus.ts";
