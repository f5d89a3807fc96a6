import { toError } from '../../../../shared/src/errors';
import { redactUrls } from '../../../../shared/src/redact';
import { httpOutcome, type SendOutcome } from '../../core/retry';

/** Longest answer body read (kept in the attempt record, cut to 200 characters). */
const MAX_ANSWER = 4096;

/**
 * POSTs a body and turns the answer into an outcome: 2xx sent; 408/429/5xx, a timeout or a
 * connection error retried; another 4xx permanent. The URL (a Slack or Teams webhook URL is a
 * secret) never appears in the error text.
 */
export async function postJson(
  url: string,
  body: string | Buffer,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<SendOutcome> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      body,
      headers,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
    const text = (await res.text()).slice(0, MAX_ANSWER);
    return httpOutcome(res.status, res.headers.get('retry-after'), text, Date.now());
  } catch (err) {
    const e = toError(err);
    const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
    const cause = (e.cause as { code?: string } | undefined)?.code;
    return {
      ok: false,
      retryable: true,
      error: timedOut
        ? `no answer within ${timeoutMs} ms`
        : redactUrls(`${e.message}${cause ? ` (${cause})` : ''}`).replace(url, '<url>'),
    };
  }
}
