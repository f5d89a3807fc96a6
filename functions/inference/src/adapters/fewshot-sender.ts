import type { Logger } from 'pino';
import type { Counter } from 'prom-client';
import type { FewShotForm } from '../core/prompt-kit';
import { MediaCacheMissError } from './vllm-client';

/** Misses in a row (each resent whole) after which references are given up: the server never keeps them. */
export const GIVE_UP_AFTER_MISSES = 3;

/**
 * Sends the few-shot videos once (issue #27.4). Until one request with the media inline has
 * succeeded (the warm-up: vLLM's processor cache now holds each item under its content-hash uuid),
 * requests carry the media; after it, the few-shot parts go as uuid-only references (≈ 110 KB of
 * base64 and 7 decodes less per request). A reference the server no longer holds (cache eviction,
 * a restarted model server, another replica behind the same Service with its own cache) is
 * answered 400; the request is then resent once with the media, which warms that cache again, and
 * counted (`safetyhanta_inference_fewshot_resends_total`). After {@link GIVE_UP_AFTER_MISSES}
 * misses in a row (a server that never keeps them: `--mm-processor-cache-gb 0`, vLLM < 0.11, not
 * vLLM) this process goes back to sending the media, and says so.
 */
export class FewShotSender {
  private warm = false;
  private missesInARow = 0;
  private enabled: boolean;

  constructor(
    private readonly opts: {
      readonly enabled: boolean;
      readonly resends: Pick<Counter, 'inc'>;
      readonly logger: Logger;
    },
  ) {
    this.enabled = opts.enabled;
  }

  /** Whether the next request goes by reference. */
  get form(): FewShotForm {
    return this.enabled && this.warm ? 'ref' : 'full';
  }

  /** Builds the body in the current form, sends it, and on a cache miss resends it whole once. */
  async send<T>(
    build: (form: FewShotForm) => Record<string, unknown>,
    run: (body: Record<string, unknown>) => Promise<T>,
  ): Promise<T> {
    const form = this.form;
    if (form === 'full') {
      const out = await run(build('full'));
      this.warm = true;
      return out;
    }
    try {
      const out = await run(build('ref'));
      this.missesInARow = 0;
      return out;
    } catch (err) {
      if (!(err instanceof MediaCacheMissError)) throw err;
      this.opts.resends.inc();
      this.missesInARow++;
      this.opts.logger.info(
        { err: err.message },
        'few-shot reference missed the model server cache; resent with the media',
      );
      if (this.missesInARow >= GIVE_UP_AFTER_MISSES && this.enabled) {
        this.enabled = false;
        this.opts.logger.warn(
          { misses: this.missesInARow },
          'the model server keeps no few-shot media (uuid-only parts miss every time): sending the media with every request from now on',
        );
      }
      return run(build('full'));
    }
  }
}
