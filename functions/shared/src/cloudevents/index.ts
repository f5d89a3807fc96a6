export { Publisher, buildEvent, isRetryableStatus } from './publisher';
export type { PublisherOptions, PublishInput, PublishedEvent } from './publisher';
export { receiveCloudEvent } from './receive';
export type { ReceivedEvent, ReceiveResult } from './receive';
export { computeBackoffMs, sleep } from './backoff';
