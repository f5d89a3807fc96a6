import { buildFrameArgs, buildModelClipArgs, scaleFilter, splitJpegs } from '../src/core/ffmpeg-args';
import { healthUrl, VllmClient, VllmUnavailableError } from '../src/adapters/vllm-client';
import {
  errorRecord,
  failurePolicy,
  failureStatus,
  PathRejectedError,
  RetryableError,
  UnavailableError,
  UnrecoverableError,
} from '../../shared/src/errors';
import { createLogger } from '../../shared/src/logger';

describe('ffmpeg argument builder (pure)', () => {
  test('fps sampling: one decode, sample, scale the long side, JPEG frames on stdout', () => {
    const args = buildFrameArgs('/clips/cam1/a.mp4', { sampling: 'fps', fps: 2, maxSide: 448 });
    expect(args.join(' ')).toContain(
      `-protocol_whitelist file -f mov -i /clips/cam1/a.mp4 -vf fps=2,${scaleFilter(448)}`,
    );
    expect(args.join(' ')).toContain('-f image2pipe -c:v mjpeg');
    expect(args.at(-1)).toBe('pipe:1');
    expect(args).not.toContain('-skip_frame');
  });

  test('keyframes sampling decodes keyframes only, at 1 fps (the 1 s GOP)', () => {
    const args = buildFrameArgs('in.mp4', { sampling: 'keyframes', fps: 2, maxSide: 320 });
    expect(args.join(' ')).toContain('-skip_frame nokey -protocol_whitelist file -f mov -i in.mp4');
    expect(args.join(' ')).toContain(`-vf fps=1:eof_action=pass,${scaleFilter(320)}`);
    expect(args.join(' ')).not.toContain('fps=2');
  });

  test('model clip: forced mov demuxer, file protocol only, bounded length, CFR H.264 yuv420p, faststart, bitexact, one output file', () => {
    const args = buildModelClipArgs('/clips/cam1/a.mp4', '/tmp/x/clip.mp4', {
      sampling: 'fps',
      fps: 2,
      maxSide: 448,
      maxSeconds: 15,
    });
    const line = args.join(' ');
    expect(line).toContain('-protocol_whitelist file -f mov -t 15 -i /clips/cam1/a.mp4');
    expect(line).toContain(`-vf fps=2,${scaleFilter(448)} -fps_mode cfr -r 2`);
    expect(line).toContain('-c:v libx264 -preset ultrafast -pix_fmt yuv420p -bf 0');
    expect(line).toContain('-movflags +faststart -f mp4 -y /tmp/x/clip.mp4');
    expect(line).toContain('+bitexact');
    expect(args.filter((a) => a === '-i')).toHaveLength(1);
    expect(buildModelClipArgs('in.mp4', 'o.mp4', { sampling: 'keyframes', fps: 2, maxSide: 448 }).join(' ')).toContain(
      '-r 1 ',
    );
  });

  test('splitJpegs splits a concatenated MJPEG stream and keeps an incomplete tail', () => {
    const jpeg = (fill: number) => Buffer.from([0xff, 0xd8, fill, 0xff, 0x00, fill, 0xff, 0xd9]);
    const stream = Buffer.concat([jpeg(1), jpeg(2), Buffer.from([0xff, 0xd8, 3])]);
    const { images, rest } = splitJpegs(stream);
    expect(images.map((b) => b[2])).toEqual([1, 2]);
    expect([...rest]).toEqual([0xff, 0xd8, 3]);
    expect(splitJpegs(Buffer.alloc(0)).images).toEqual([]);
  });
});

/** The URL a fetch call asks for (the SDK passes a string; a Request would otherwise print as [object Request]). */
const urlOf = (input: string | URL | Request): string => (input instanceof Request ? input.url : String(input));

describe('vLLM client failure policy (injected fetch, no network)', () => {
  const logger = createLogger('test', 'silent');
  const ok = {
    id: 'x',
    object: 'chat.completion',
    created: 0,
    model: 'm',
    choices: [
      {
        index: 0,
        finish_reason: 'stop',
        message: { role: 'assistant', content: '{"status":"safe","hazards":[],"summary":"ok"}' },
      },
    ],
    usage: { prompt_tokens: 100, completion_tokens: 5, total_tokens: 105 },
  };
  /** Scripted completions; /health answers `health` (vLLM: 200 unless the engine is dead). */
  function scripted(statuses: number[], health = 200) {
    const calls: string[] = [];
    const f: typeof fetch = async (input) => {
      if (urlOf(input).endsWith('/health')) return new Response('', { status: health });
      calls.push(urlOf(input));
      const status = statuses.shift() ?? 200;
      return new Response(
        JSON.stringify(status === 200 ? ok : { error: { message: `server says ${status}`, type: 'X', code: status } }),
        { status, headers: { 'content-type': 'application/json', 'retry-after-ms': '1' } },
      );
    };
    return { f, calls };
  }
  const client = (f: typeof fetch, maxRetries = 3) =>
    new VllmClient({
      baseUrl: 'http://vllm:8000/v1',
      apiKey: undefined,
      timeoutMs: 5000,
      maxRetries,
      logger,
      fetch: f,
    });

  test.each([
    [[503, 502, 200], 200, 3, 'ok', ''],
    [[429, 408, 200], 200, 3, 'ok', ''],
    [[409], 200, 1, 'UnrecoverableError', 'dead-letter'],
    [[400], 200, 1, 'UnrecoverableError', 'dead-letter'],
    [[422], 200, 1, 'UnrecoverableError', 'dead-letter'],
    [[401], 200, 1, 'RetryableError', 'retry'],
    // A 500 is not resent inline; with /health 200 it is this request's fault: counted, through the queue.
    [[500], 200, 1, 'RetryableError', 'retry'],
    [[503, 503, 503, 503], 200, 4, 'RetryableError', 'retry'],
    // The same 5xx while /health fails: the server is down, wait (not counted).
    [[503, 503, 503, 503], 503, 4, 'VllmUnavailableError', 'release'],
    [[500], 503, 1, 'VllmUnavailableError', 'release'],
  ] as [number[], number, number, string, string][])(
    'statuses %j with /health %i → %i calls, %s (%s)',
    async (statuses, health, calls, outcome, policy) => {
      const s = scripted([...statuses], health);
      const res = client(s.f).complete({ model: 'm', messages: [] });
      if (outcome === 'ok') {
        await expect(res).resolves.toMatchObject({ usage: { prompt: 100, cached: 0, completion: 5 } });
      } else {
        const err = await res.catch((e: unknown) => e);
        expect(err).toMatchObject({ name: outcome });
        expect(failurePolicy(err)).toBe(policy);
        // The server's own message is kept (it becomes the dead-letter reason).
        expect((err as Error).message).toContain(`server says ${statuses.at(-1)}`);
      }
      expect(s.calls).toHaveLength(calls);
    },
  );

  test('a missing prompt_tokens_details counts as 0 cached tokens; present ones are read', async () => {
    const f: typeof fetch = async () =>
      new Response(JSON.stringify({ ...ok, usage: { ...ok.usage, prompt_tokens_details: { cached_tokens: 80 } } }), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    await expect(client(f).complete({})).resolves.toMatchObject({ usage: { prompt: 100, cached: 80 } });
  });

  test('connection failures become VllmUnavailableError (the job waits for /health, attempt not counted)', async () => {
    const f: typeof fetch = async () => {
      throw new TypeError('fetch failed');
    };
    const err = await client(f, 0)
      .complete({})
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VllmUnavailableError);
    expect(failurePolicy(err)).toBe('release');
  });

  test('issue #18.3: a timeout counts as an attempt (retry), it is not "server down"', async () => {
    const f: typeof fetch = (input, init) =>
      new Promise((resolve, reject) => {
        if (urlOf(input).endsWith('/health')) return resolve(new Response('', { status: 200 }));
        // An AbortError as undici raises it (an Error named AbortError; jest's realm makes DOMException a non-Error).
        init?.signal?.addEventListener(
          'abort',
          () => reject(Object.assign(new Error('This operation was aborted'), { name: 'AbortError' })),
          { once: true },
        );
      });
    const c = new VllmClient({
      baseUrl: 'http://vllm:8000/v1',
      apiKey: undefined,
      timeoutMs: 50,
      maxRetries: 0,
      logger,
      fetch: f,
    });
    const err = await c.complete({}).catch((e: unknown) => e);
    expect((err as Error).message).toContain('timed out');
    expect(err).toMatchObject({ name: 'RetryableError', label: 'timeout' });
    expect(failurePolicy(err)).toBe('retry');
  });

  test('health URL sits beside /v1', () => {
    expect(healthUrl('http://vllm:8000/v1')).toBe('http://vllm:8000/health');
    expect(healthUrl('http://gw/openai/v1/')).toBe('http://gw/openai/health');
  });
});

describe('one failure policy from the error kind (errors.ts)', () => {
  test('kind → policy → HTTP status', () => {
    expect([failurePolicy(new UnrecoverableError('x')), failureStatus(new UnrecoverableError('x'))]).toEqual([
      'dead-letter',
      422,
    ]);
    expect([failurePolicy(new PathRejectedError('x')), failureStatus(new PathRejectedError('x'))]).toEqual([
      'dead-letter',
      422,
    ]);
    expect([failurePolicy(new RetryableError('x')), failureStatus(new RetryableError('x'))]).toEqual(['retry', 503]);
    expect([failurePolicy(new UnavailableError('x')), failureStatus(new UnavailableError('x'))]).toEqual([
      'release',
      503,
    ]);
    // An error that is not ours: retried and counted, so QUEUE_MAX_ATTEMPTS still ends it.
    expect(failurePolicy(new Error('boom'))).toBe('retry');
  });

  test('the kind survives a thread/process boundary (structured clone drops custom fields of an Error; the record keeps them)', () => {
    const cloned = structuredClone(errorRecord(new PathRejectedError('outside CLIPS_DIR')));
    expect(cloned).toEqual({
      name: 'PathRejectedError',
      message: 'outside CLIPS_DIR',
      kind: 'unrecoverable',
      label: 'path',
    });
    expect(failurePolicy(cloned)).toBe('dead-letter');
    expect(failurePolicy(JSON.parse(JSON.stringify(errorRecord(new UnavailableError('busy')))))).toBe('release');
    // Legacy serialised names (bullmq-style) still dead-letter.
    expect(failurePolicy({ name: 'UnrecoverableError', message: 'x' })).toBe('dead-letter');
  });
});
