import { buildFrameArgs, scaleFilter, splitJpegs } from '../src/core/ffmpeg-args';
import { healthUrl, VllmClient, VllmUnavailableError } from '../src/adapters/vllm-client';
import { RetryableError } from '../../shared/src/errors';
import { createLogger } from '../../shared/src/logger';

describe('ffmpeg argument builder (pure)', () => {
  test('fps sampling: one decode, sample, scale the long side, JPEG frames on stdout', () => {
    const args = buildFrameArgs('/clips/cam1/a.mp4', { sampling: 'fps', fps: 2, maxSide: 448 });
    expect(args.join(' ')).toContain(`-i /clips/cam1/a.mp4 -vf fps=2,${scaleFilter(448)}`);
    expect(args.join(' ')).toContain('-f image2pipe -c:v mjpeg');
    expect(args.at(-1)).toBe('pipe:1');
    expect(args).not.toContain('-skip_frame');
  });

  test('keyframes sampling decodes keyframes only and passes them through', () => {
    const args = buildFrameArgs('in.mp4', { sampling: 'keyframes', fps: 2, maxSide: 320 });
    expect(args.join(' ')).toContain('-skip_frame nokey -i in.mp4');
    expect(args.join(' ')).toContain('-fps_mode passthrough');
    expect(args.join(' ')).not.toContain('fps=2');
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

describe('vLLM client retry policy (injected fetch, no network)', () => {
  const logger = createLogger('test', 'silent');
  const ok = { id: 'x', object: 'chat.completion', created: 0, model: 'm', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: '{"status":"safe","hazards":[],"summary":"ok"}' } }], usage: { prompt_tokens: 100, completion_tokens: 5, total_tokens: 105 } };
  function scripted(statuses: number[]) {
    const calls: string[] = [];
    const f: typeof fetch = async (input) => {
      calls.push(String(input));
      const status = statuses.shift() ?? 200;
      return new Response(JSON.stringify(status === 200 ? ok : { error: { message: `status ${status}` } }), { status, headers: { 'content-type': 'application/json', 'retry-after-ms': '1' } });
    };
    return { f, calls };
  }
  const client = (f: typeof fetch, maxRetries = 3) => new VllmClient({ baseUrl: 'http://vllm:8000/v1', apiKey: undefined, timeoutMs: 5000, maxRetries, logger, fetch: f });

  test.each([
    [[503, 500, 200], 3, 'ok'],
    [[429, 408, 200], 3, 'ok'],
    [[409], 1, 'RetryableError'],
    [[400], 1, 'UnrecoverableError'],
    [[422], 1, 'UnrecoverableError'],
    [[401], 1, 'RetryableError'],
    [[503, 503, 503, 503], 4, 'VllmUnavailableError'],
  ] as [number[], number, string][])('statuses %j → %i calls, %s', async (statuses, calls, outcome) => {
    const s = scripted([...statuses]);
    const res = client(s.f).complete({ model: 'm', messages: [] });
    if (outcome === 'ok') {
      await expect(res).resolves.toMatchObject({ usage: { prompt: 100, cached: 0, completion: 5 } });
    } else {
      await expect(res).rejects.toMatchObject({ name: outcome });
    }
    expect(s.calls).toHaveLength(calls);
  });

  test('a missing prompt_tokens_details counts as 0 cached tokens; present ones are read', async () => {
    const f: typeof fetch = async () => new Response(JSON.stringify({ ...ok, usage: { ...ok.usage, prompt_tokens_details: { cached_tokens: 80 } } }), { status: 200, headers: { 'content-type': 'application/json' } });
    await expect(client(f).complete({})).resolves.toMatchObject({ usage: { prompt: 100, cached: 80 } });
  });

  test('connection failures become VllmUnavailableError (the job waits for /health)', async () => {
    const f: typeof fetch = async () => {
      throw new TypeError('fetch failed');
    };
    const err = await client(f, 0).complete({}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VllmUnavailableError);
    expect(err).toBeInstanceOf(RetryableError);
  });

  test('health URL sits beside /v1', () => {
    expect(healthUrl('http://vllm:8000/v1')).toBe('http://vllm:8000/health');
    expect(healthUrl('http://gw/openai/v1/')).toBe('http://gw/openai/health');
  });
});
