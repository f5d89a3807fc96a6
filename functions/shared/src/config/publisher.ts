import { envVar, int } from './define';

/** Publishing CloudEvents to K_SINK. */
export const publisher = {
  maxRetries: envVar('PUBLISH_MAX_RETRIES', {
    schema: int(0, 20),
    default: '5',
    expected: 'an integer 0–20',
    doc: 'retries of a failed CloudEvent POST (capped, jittered backoff)',
  }),
  timeoutMs: envVar('PUBLISH_TIMEOUT_MS', {
    schema: int(100, 120000),
    default: '5000',
    expected: 'milliseconds, 100–120000',
    doc: 'timeout of one CloudEvent POST',
  }),
};
