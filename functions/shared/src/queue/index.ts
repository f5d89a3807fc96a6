export { ClipQueue, newConsumerId } from './clip-queue';
export type { ClipQueueOptions, ClaimedJob, DeadLetter, EnqueueResult } from './queue-types';
