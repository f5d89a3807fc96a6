import { PrefixCache } from '../src/core/prefix-cache';
import {
  BLOCK_SIZE,
  imageTokens,
  smartResize,
  textTokenCount,
  tokenize,
  videoTokens,
  type Segment,
} from '../src/core/tokens';

describe('Qwen3-VL token counting', () => {
  it('counts a 5 s clip at 2 fps, 448×252, like the reference arithmetic (≈620 tokens)', () => {
    expect(smartResize(448, 252)).toEqual({ width: 448, height: 256 });
    expect(videoTokens(10, 448, 252)).toBe(5 * (14 * 8 + 12));
    expect(videoTokens(9, 448, 252)).toBe(videoTokens(10, 448, 252)); // odd frame count pads its group
  });

  it('counts images per frame (no temporal merge) and text at ~4 chars/token', () => {
    expect(imageTokens(448, 448)).toBe(196 + 2);
    expect(textTokenCount('abcdefghi')).toBe(3);
  });

  it('keeps a long video inside the pixel budget', () => {
    const t = videoTokens(600, 1920, 1080);
    // T×H×W ≤ 24576×32×32 and 2 frames per token group → at most 12288 vision tokens
    expect(t).toBeLessThanOrEqual(12288 + 300 * 12);
    expect(t).toBeGreaterThan(9000);
  });
});

const sys: Segment = { kind: 'text', text: 'You are a safety monitor. '.repeat(20) };
const ex = (h: string): Segment => ({ kind: 'media', tokens: 620, hash: h });
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
