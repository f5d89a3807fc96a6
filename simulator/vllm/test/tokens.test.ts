import { PrefixCache } from '../src/core/prefix-cache';
import { countTokens, qwenTokenizer } from '../src/core/qwen-tokenizer';
import {
  ProcessorError,
  processVideo,
  pyFixed1,
  videoPlaceholderIds,
  videoSmartResize,
  type LoadedVideo,
  type VideoKwargs,
} from '../src/core/qwen-vl';
import { BLOCK_SIZE, imagePlaceholderIds, tokenize, type Segment } from '../src/core/tokens';

const clip = (frames: number, width: number, height: number, fps = 2): LoadedVideo => ({
  totalFrames: frames,
  fps,
  decodedFrames: frames,
  width,
  height,
});
const tokensOf = (v: LoadedVideo, kw: VideoKwargs = { doSampleFrames: false }) =>
  videoPlaceholderIds(processVideo(v, kw), qwenTokenizer().encode).length;

describe('Qwen3-VL video tokens (audit 2026-12 W2: 8 tokens per group, sides to the NEAREST multiple of 32)', () => {
  it('"<0.2 seconds>" is 6 Qwen3 tokens, 7 from 10 s on; timestamps print like Python .1f', () => {
    expect(countTokens('<0.2 seconds>')).toBe(6);
    expect(countTokens('<10.2 seconds>')).toBe(7);
    expect([0.25, 1.25, 0.75, 4.25, 0.3].map(pyFixed1)).toEqual(['0.2', '1.2', '0.8', '4.2', '0.3']);
  });

  it('pins the corrected table: 600 / 360 / 1,020 / 1,140 / 10,240 / 1,200', () => {
    expect(videoSmartResize(10, 448, 252)).toEqual({ width: 448, height: 256 });
    expect(videoSmartResize(10, 640, 360)).toEqual({ width: 640, height: 352 }); // 360/32 = 11.25 → 11
    expect(tokensOf(clip(10, 448, 252))).toBe(600); // the default model clip: 5 × (112 + 8)
    expect(tokensOf(clip(5, 448, 252, 1))).toBe(360); // keyframes: 3 groups
    expect(tokensOf(clip(10, 448, 448))).toBe(1020);
    expect(tokensOf(clip(10, 640, 360))).toBe(1140);
    expect(tokensOf(clip(10, 1920, 1080))).toBe(10240);
    expect(tokensOf(clip(20, 448, 252))).toBe(1200); // 10 s clips: 10 groups, the last stamp <9.2 seconds>
  });

  it('do_sample_frames true keeps every frame of a clean 2 fps clip (same tokens as false)', () => {
    const p = processVideo(clip(10, 448, 252), { doSampleFrames: true, fps: 2 });
    expect(p.keep).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(p.timestamps).toEqual([0.25, 1.25, 2.25, 3.25, 4.25]);
    expect(tokensOf(clip(10, 448, 252), { doSampleFrames: true, fps: 2 })).toBe(600);
  });

  it('a header saying fps 2.02: sampling keeps 9 of 10 frames (int() truncates); do_sample_frames false keeps 10', () => {
    const v = clip(10, 448, 252, 2.02);
    expect(processVideo(v, { doSampleFrames: true, fps: 2 }).keep).toHaveLength(9);
    expect(processVideo(v, { doSampleFrames: false, fps: 2 }).keep).toHaveLength(10);
  });

  it('a broken frame (9 of 10 decoded): sampling indexes past the decoded frames (500); false and the metadata default use the 9', () => {
    const v: LoadedVideo = { ...clip(10, 448, 252), decodedFrames: 9 };
    expect(() => processVideo(v, { doSampleFrames: true, fps: 2 })).toThrow(
      new ProcessorError(500, 'index 9 is out of bounds for axis 0 with size 9'),
    );
    expect(processVideo(v, { doSampleFrames: false }).keep).toHaveLength(9);
    expect(processVideo(v, {}).keep).toHaveLength(9); // metadata do_sample_frames = valid == total = false
  });

  it('a 1-frame clip fails smart_resize with a ValueError (400) whatever do_sample_frames says', () => {
    for (const doSampleFrames of [true, false]) {
      expect(() => processVideo(clip(1, 448, 252), { doSampleFrames })).toThrow(
        new ProcessorError(400, 't:1 must be larger than temporal_factor:2'),
      );
    }
  });

  it('images: one token per 32×32 px between vision start and end; text through the real tokenizer', () => {
    expect(imagePlaceholderIds(448, 448)).toHaveLength(196 + 2);
    expect(countTokens('<|im_start|>user\n')).toBe(3);
  });

  it('keeps a long video inside the pixel budget (24576 × 32 × 32 over all frames)', () => {
    const p = processVideo(clip(600, 1920, 1080), { doSampleFrames: false });
    expect(p.keep.length * p.width * p.height).toBeLessThanOrEqual(24576 * 32 * 32);
  });
});

const sys: Segment = { kind: 'text', text: 'You are a safety monitor. '.repeat(20) };
const ex = (h: string): Segment => ({ kind: 'media', ids: new Array<number>(600).fill(151656), hash: h });
const answer: Segment = { kind: 'text', text: '{"status":"safe","hazards":[],"summary":"ok"}' };

describe('prefix cache (16-token blocks, hash chain with media hashes)', () => {
  it('a repeated prefix is cached; the last token is always recomputed', () => {
    const cache = new PrefixCache(1000);
    const prompt = tokenize([sys, ex('A'), answer, ex('B'), answer, ex('query-1')]);
    expect(cache.lookupAndInsert(prompt)).toBe(0);
    const again = cache.lookupAndInsert(prompt);
    expect(again).toBe(Math.floor((prompt.ids.length - 1) / BLOCK_SIZE) * BLOCK_SIZE);
    const next = tokenize([sys, ex('A'), answer, ex('B'), answer, ex('query-2')]);
    const sharedEnd = next.media[2]?.start ?? 0;
    const hit = cache.lookupAndInsert(next);
    expect(hit).toBeGreaterThanOrEqual(Math.floor(sharedEnd / BLOCK_SIZE) * BLOCK_SIZE - BLOCK_SIZE);
    expect(hit).toBeLessThan(next.ids.length - 600);
  });

  it('a changed few-shot order caches only what comes before the change', () => {
    const cache = new PrefixCache(1000);
    cache.lookupAndInsert(tokenize([sys, ex('A'), answer, ex('B'), answer, ex('q')]));
    const swapped = tokenize([sys, ex('B'), answer, ex('A'), answer, ex('q')]);
    const hit = cache.lookupAndInsert(swapped);
    expect(hit).toBeLessThanOrEqual(swapped.media[0]?.start ?? 0);
    expect(hit).toBeGreaterThan(0); // the system prompt still hits
  });

  it('media with the same token count but different content does not hit', () => {
    const cache = new PrefixCache(1000);
    cache.lookupAndInsert(tokenize([ex('A'), answer]));
    expect(cache.lookupAndInsert(tokenize([ex('Z'), answer]))).toBe(0);
  });

  it('evicts least recently used blocks beyond capacity; capacity 0 disables caching', () => {
    const small = new PrefixCache(10);
    const p = tokenize([sys, ex('A')]);
    small.lookupAndInsert(p);
    expect(small.size).toBe(10);
    expect(small.lookupAndInsert(p)).toBe(0); // its first blocks were evicted
    const off = new PrefixCache(0);
    off.lookupAndInsert(p);
    expect(off.lookupAndInsert(p)).toBe(0);
  });
});

describe('cache_salt', () => {
  it('isolates cache entries: a different salt misses, the same salt hits', () => {
    const cache = new PrefixCache(1000);
    const p = tokenize([sys, ex('A'), answer]);
    cache.lookupAndInsert(p, 'tenant-1');
    expect(cache.lookupAndInsert(p, 'tenant-2')).toBe(0);
    expect(cache.lookupAndInsert(p)).toBe(0);
    expect(cache.lookupAndInsert(p, 'tenant-1')).toBeGreaterThan(0);
  });
});
