import { contextFor, parseCamerasFile, renderContext, DEFAULT_CAMERA_CONTEXT } from '../src/core/camera-context';
import { framesMedia, mediaParts, mediaUuid, fileUrl, type PreparedMedia } from '../src/core/media';
import {
  buildFinalTurn,
  buildPrefix,
  buildRequestBody,
  mmProcessorKwargs,
  prefixHash,
  systemPrompt,
  type FewShotExample,
} from '../src/core/prompt';
import { expectedVerdict } from '../src/core/expected-verdict';
import { parseAnswer } from '../src/core/answer';
import { HAZARD_TYPES, ModelVerdictSchema } from '../../shared/src/verdict';
import { TERSE_VERDICT_JSON_SCHEMA, TerseAnswerSchema } from '../../shared/src/verdict-terse';

const mp4 = (base64: string): PreparedMedia => ({
  kind: 'mp4',
  base64,
  fps: 2,
  frames: 10,
  uuid: mediaUuid(Buffer.from(base64, 'base64')),
});
const example = (name: string, frames: string[]): FewShotExample => ({
  name,
  cameraId: 'example',
  context: DEFAULT_CAMERA_CONTEXT,
  media: mp4(frames.join('')),
  imageMedia: framesMedia(frames, 2),
  answers: expectedVerdict(name === 'safe' ? [] : ['fire']),
});

describe('prompt builder (pure)', () => {
  const examples = [example('safe', ['AAA', 'BBB']), example('fire', ['CCC'])];

  test('the prefix is byte-identical for every clip and camera; only the final turn differs', () => {
    const prefix = buildPrefix(examples, 'video-frames', 'en');
    const opts = { model: 'm', maxTokens: 256, mmKwargs: mmProcessorKwargs('video-frames', 2) };
    const a = buildRequestBody(prefix, buildFinalTurn('cam1', DEFAULT_CAMERA_CONTEXT, mp4('XXXX')), opts) as {
      messages: unknown[];
    };
    const b = buildRequestBody(
      buildPrefix(examples, 'video-frames', 'en'),
      buildFinalTurn('cam2', DEFAULT_CAMERA_CONTEXT, mp4('YYZZ')),
      opts,
    ) as { messages: unknown[] };
    expect(JSON.stringify(a.messages.slice(0, -1))).toBe(JSON.stringify(b.messages.slice(0, -1)));
    expect(prefixHash(a)).toBe(prefixHash(b));
    expect(JSON.stringify(a.messages.at(-1))).not.toBe(JSON.stringify(b.messages.at(-1)));
  });

  test('the prefix changes with the examples, their order, the language and the processor kwargs', () => {
    const body = (ex: FewShotExample[], lang: 'en' | 'ko', fps: number) =>
      buildRequestBody(
        buildPrefix(ex, 'video-frames', lang),
        buildFinalTurn('c', DEFAULT_CAMERA_CONTEXT, mp4('XXXX')),
        { model: 'm', maxTokens: 1, mmKwargs: mmProcessorKwargs('video-frames', fps) },
      ) as { messages: unknown[] };
    const base = prefixHash(body(examples, 'en', 2));
    expect(prefixHash(body([...examples].reverse(), 'en', 2))).not.toBe(base);
    expect(prefixHash(body(examples, 'ko', 2))).not.toBe(base);
    expect(prefixHash(body(examples, 'en', 1))).not.toBe(base);
  });

  test('structure: system, then user/assistant per example; answers are terse verdict JSON; media carry content-hash uuids', () => {
    const prefix = buildPrefix(examples, 'video-frames', 'ko');
    expect(prefix.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user', 'assistant']);
    expect(TerseAnswerSchema.safeParse(JSON.parse(prefix[2]!.content as string)).success).toBe(true);
    // compact, fixed key order, no summary and no description that only restates the type
    expect(prefix[2]!.content).toBe('{"status":"safe","hazards":[]}');
    expect(prefix[4]!.content).toBe('{"status":"danger","hazards":[{"type":"fire","confidence":0.9}]}');
    const part = (prefix[1]!.content as { type: string; uuid?: string; video_url?: { url: string } }[])[0]!;
    expect(part).toEqual({
      type: 'video_url',
      video_url: { url: 'data:video/mp4;base64,AAABBB' },
      uuid: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    });
    expect(JSON.stringify(prefix)).not.toContain('data:video/jpeg');
    expect(framesMedia(['AAA', 'BBB'], 2)).toEqual(framesMedia(['AAA', 'BBB'], 2));
    expect(framesMedia(['AAA', 'BBB'], 2)).not.toEqual(framesMedia(['AAA', 'BBC'], 2));
  });

  test('system prompt names every hazard type and the summary language', () => {
    for (const t of HAZARD_TYPES) expect(systemPrompt('en')).toContain(`- ${t}:`);
    expect(systemPrompt('ko')).toContain('Korean (한국어)');
    expect(systemPrompt('en')).toContain('in English');
  });

  test('media modes: images = one image_url per frame; video-file = file:// URL; kwargs only where a server takes them', () => {
    const frames = framesMedia(['AAA', 'BBB'], 2);
    expect(mediaParts(frames).map((p) => p.type)).toEqual(['image_url', 'image_url']);
    expect(mediaParts({ kind: 'file', url: fileUrl('/clips/cam 1/a.mp4'), fps: 2, frames: 10 })).toEqual([
      { type: 'video_url', video_url: { url: 'file:///clips/cam%201/a.mp4' } },
    ]);
    expect(mediaParts(mp4('AAAA'))).toEqual([
      {
        type: 'video_url',
        video_url: { url: 'data:video/mp4;base64,AAAA' },
        uuid: mediaUuid(Buffer.from('AAAA', 'base64')),
      },
    ]);
    expect(mmProcessorKwargs('images', 2)).toBeUndefined();
    // Both video modes: the model clip's real rate, sampled by the processor from the container's metadata.
    expect(mmProcessorKwargs('video-file', 2)).toEqual({ fps: 2, do_sample_frames: false });
    expect(mmProcessorKwargs('video-frames', 1)).toEqual({ fps: 1, do_sample_frames: false });
    const body = buildRequestBody([], buildFinalTurn('c', DEFAULT_CAMERA_CONTEXT, frames), {
      model: 'm',
      maxTokens: 8,
      mmKwargs: undefined,
    });
    expect(body).not.toHaveProperty('mm_processor_kwargs');
    expect(body).toMatchObject({
      temperature: 0,
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'safety_verdict', schema: TERSE_VERDICT_JSON_SCHEMA, strict: true },
      },
    });
  });

  test('camera context: per-camera entries over file defaults over built-ins; rendered deterministically', () => {
    const file = parseCamerasFile(
      JSON.stringify({
        defaults: { site: 'Ulsan plant', requiredPpe: ['hard hat'], zones: [] },
        cameras: { cam2: { zones: ['press line'] } },
      }),
    );
    expect(contextFor('cam1', file)).toEqual({ site: 'Ulsan plant', requiredPpe: ['hard hat'], zones: [] });
    expect(contextFor('cam2', file).zones).toEqual(['press line']);
    expect(contextFor('cam1', undefined)).toEqual(DEFAULT_CAMERA_CONTEXT);
    expect(renderContext('cam2', contextFor('cam2', file))).toBe(
      'Camera: cam2\nSite: Ulsan plant\nRequired PPE: hard hat\nZones: press line\nAssess this clip and answer with the JSON verdict only.',
    );
    expect(() => parseCamerasFile('{"cameras":{"cam1":{"requiredPpe":"hat"}}}')).toThrow(
      /CAMERAS_FILE is invalid: cameras.cam1.requiredPpe/,
    );
  });

  test.each([
    ['{"status":"safe","hazards":[]}', true, ''],
    ['{"status":"warning","hazards":[{"type":"smoke","confidence":0.7}]}', true, ''],
    ['{"status":"safe","hazards":[],"summary":"ok"}', true, ''],
    ['{"status":"safe","hazards":[{"type":"fire","description":"f","confidence":1}],"summary":"x"}', false, 'safe'],
    ['{"status":"dangerous","hazards":"fire","summary":42}', false, 'schema'],
    ['I think it is dangerous', false, 'not JSON'],
    ['', false, 'empty'],
  ])('parseAnswer(%s) ok=%s', (text, ok, reason) => {
    const r = parseAnswer(text);
    expect(r.ok).toBe(ok);
    if (!r.ok) expect(r.reason).toContain(reason);
  });

  test('a terse answer renders to the §3.6 verdict: descriptions from the type, the summary in the configured language', () => {
    const answer =
      '{"status":"danger","hazards":[{"type":"fire","confidence":0.9},{"type":"smoke","confidence":0.8,"description":"thick smoke near the exit"}]}';
    const en = parseAnswer(answer, 'en');
    expect(en).toEqual({
      ok: true,
      verdict: {
        status: 'danger',
        hazards: [
          { type: 'fire', description: 'open flames', confidence: 0.9 },
          { type: 'smoke', description: 'thick smoke near the exit', confidence: 0.8 },
        ],
        summary: 'Danger: open flames; thick smoke near the exit.',
      },
    });
    const ko = parseAnswer(answer, 'ko');
    expect(ko.ok && ko.verdict.summary).toBe('위험: 화염; thick smoke near the exit.');
    expect(ko.ok && ModelVerdictSchema.safeParse(ko.verdict).success).toBe(true);
    const safe = parseAnswer('{"status":"safe","hazards":[]}', 'ko');
    expect(safe.ok && safe.verdict.summary).toBe('안전: 위험 요소가 보이지 않습니다.');
  });

  test('expected verdicts from ground truth satisfy the verdict schema in both languages', () => {
    for (const types of [[], ['no_hard_hat'], ['fire', 'smoke'], ['person_fall', 'no_safety_vest']] as const) {
      const v = expectedVerdict(types);
      expect(ModelVerdictSchema.safeParse(v.en).success && ModelVerdictSchema.safeParse(v.ko).success).toBe(true);
    }
    expect(expectedVerdict(['no_hard_hat']).en.status).toBe('warning');
    expect(expectedVerdict(['no_hard_hat', 'fire']).ko.status).toBe('danger');
  });
});
