import { Redis } from 'ioredis';
import { redisKeys } from '../../functions/shared/src/keys';
import { RateMeter, StatusReader, type PipelineStatus } from './status';

/** The stack's view of the pipeline: the latest Redis reading, or why there is none. */
export class Monitor {
  private readonly client: Redis;
  private readonly reader: StatusReader;
  private readonly rate = new RateMeter();
  /** the latest successful reading */
  last: PipelineStatus | undefined;
  /** why the latest reading failed (Redis down …); undefined after a success */
  error: string | undefined;

  constructor(redisUrl: string, prefix: string) {
    this.client = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    this.client.on('error', (err: Error) => (this.error = `Redis: ${err.message}`));
    this.reader = new StatusReader(this.client, redisKeys(prefix));
  }

  async refresh(): Promise<PipelineStatus | undefined> {
    try {
      this.last = await this.reader.read();
      this.rate.add(this.last.clipsEnqueued);
      this.error = undefined;
    } catch (err) {
      this.error = (err as Error).message;
    }
    return this.error ? undefined : this.last;
  }

  /** Clips queued or claimed and not yet judged, read now. */
  async backlog(): Promise<number> {
    const s = await this.reader.read();
    return s.queueDepth + s.inFlight;
  }

  get clipsPerMin(): number {
    return this.rate.perMinute();
  }

  close(): void {
    this.client.disconnect();
  }
}
