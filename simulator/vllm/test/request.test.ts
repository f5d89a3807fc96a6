import { parseChatRequest } from '../src/core/request';
import { SimHttpError } from '../src/core/errors';

const model = 'Qwen/Qwen3-VL-8B-Instruct';
const user = (content: unknown) => ({ model, messages: [{ role: 'user', content }] });

function status(body: unknown): { status: number; message: string } | 'ok' {
  try {
    parseChatRequest(body);
    return 'ok';
  } catch (e) {
    if (!(e instanceof SimHttpError)) throw e;
    return { status: e.status, message: e.message };
  }
}

describe('request parsing', () => {
  it('accepts vLLM video frames, file URLs, images, uuids and processor kwargs', () => {
    const r = parseChatRequest({
      ...user([
        { type: 'video_url', video_url: { url: 'data:video/jpeg;base64,AAAA,BBBB' }, uuid: 'ex1' },
        { type: 'video_url', video_url: { url: 'file:///clips/a%20b.mp4' } },
        { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,CCCC' } },
        { type: 'video_url', video_url: null, uuid: 'ex1' },
        { type: 'text', text: 'Assess.' },
      ]),
      mm_processor_kwargs: { fps: 2 },
      media_io_kwargs: { video: { num_frames: -1 } },
      response_format: { type: 'json_schema', json_schema: { name: 'v', schema: { type: 'object' }, strict: true } },
      temperature: 0,
    });
    const parts = r.messages[0]?.parts ?? [];
    expect(parts.map((p) => (p.kind === 'media' ? p.source.type : 'text'))).toEqual([
      'jpeg',
      'file',
      'jpeg',
      'uuid-only',
      'text',
    ]);
    expect(parts[0]).toMatchObject({ uuid: 'ex1', source: { frames: ['AAAA', 'BBBB'] } });
    expect(parts[1]).toMatchObject({ source: { path: '/clips/a b.mp4' } });
    expect(r.format.type).toBe('json_schema');
    expect(r.mediaKwargs).toBeDefined();
  });

  it("takes vLLM's structured_outputs.json as the schema, and ignores the removed guided_json", () => {
    const schema = { type: 'object', properties: { a: { type: 'integer' } }, required: ['a'] };
    expect(parseChatRequest({ ...user('x'), structured_outputs: { json: schema } }).format).toEqual({
      type: 'json_schema',
      schema,
    });
    expect(parseChatRequest({ ...user('x'), guided_json: schema }).format).toEqual({ type: 'text' });
  });

  it.each([
    [
      'an unsupported part type',
      user([{ type: 'input_audio', input_audio: {} }]),
      /Unsupported content part type "input_audio"/,
    ],
    [
      'a PNG image',
      user([{ type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }]),
      /Unsupported image data URL/,
    ],
    [
      'a webm data URL',
      user([{ type: 'video_url', video_url: { url: 'data:video/webm;base64,AAAA' } }]),
      /Unsupported video data URL/,
    ],
    [
      'a remote URL',
      user([{ type: 'video_url', video_url: { url: 'https://x/y.mp4' } }]),
      /does not fetch remote media/,
    ],
    ['a part without url or uuid', user([{ type: 'video_url' }]), /neither a URL nor a uuid/],
    ['no messages', { model, messages: [] }, /messages/],
    ['streaming', { ...user('hi'), stream: true }, /stream/],
    [
      'media in a system message',
      {
        model,
        messages: [
          { role: 'system', content: [{ type: 'image_url', image_url: { url: 'data:image/jpeg;base64,AA' } }] },
        ],
      },
      /only allowed in user/,
    ],
  ])('rejects %s with a 400 and a clear message', (_name, body, msg) => {
    const r = status(body);
    expect(r).not.toBe('ok');
    expect(r).toMatchObject({ status: 400, message: expect.stringMatching(msg) });
  });
});
