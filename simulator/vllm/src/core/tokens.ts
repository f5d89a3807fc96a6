import { createHash } from 'node:crypto';

/**
 * Qwen3-VL's prompt accounting, approximated (see docs/architecture.md §6.3):
 * one vision token per 32×32 px (patch 16 × spatial merge 2) after resizing each side to a
 * multiple of 32, two frames per temporal group for video, about 12 extra tokens per group for
 * `<t seconds>` and the vision start/end markers, and text at about 4 characters per token.
 */
export const PATCH_PX = 32;
export const TEMPORAL_PATCH = 2;
export const GROUP_OVERHEAD_TOKENS = 12;
export const IMAGE_OVERHEAD_TOKENS = 2;
export const CHARS_PER_TOKEN = 4;
/** The checkpoints' video pixel budget (24576 × 32 × 32), over all frames. */
export const VIDEO_PIXEL_BUDGET = 24576 * 32 * 32;
export const BLOCK_SIZE = 16;

/** Qwen's smart_resize, reduced to what matters here: sides rounded to multiples of 32, within a pixel budget. */
export function smartResize(width: number, height: number, maxPixels = Infinity): { width: number; height: number } {
  const round = (v: number) => Math.max(PATCH_PX, Math.round(v / PATCH_PX) * PATCH_PX);
  let w = round(width);
  let h = round(height);
  if (w * h > maxPixels) {
    const beta = Math.sqrt((width * height) / maxPixels);
    w = Math.max(PATCH_PX, Math.floor(width / beta / PATCH_PX) * PATCH_PX);
    h = Math.max(PATCH_PX, Math.floor(height / beta / PATCH_PX) * PATCH_PX);
  }
  return { width: w, height: h };
}

/** Tokens of one video of `frames` frames of the given size. */
export function videoTokens(frames: number, width: number, height: number): number {
  if (frames <= 0) return 0;
  const groups = Math.ceil(frames / TEMPORAL_PATCH);
  const r = smartResize(width, height, VIDEO_PIXEL_BUDGET / (groups * TEMPORAL_PATCH));
  return groups * ((r.width / PATCH_PX) * (r.height / PATCH_PX) + GROUP_OVERHEAD_TOKENS);
}

/** Tokens of one image (one frame, duplicated into its own temporal group by the processor). */
export function imageTokens(width: number, height: number): number {
  const r = smartResize(width, height);
  return (r.width / PATCH_PX) * (r.height / PATCH_PX) + IMAGE_OVERHEAD_TOKENS;
}

/** Text tokens, ≈ 4 characters each. */
export function textTokenCount(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

/** A prompt piece: text, or a media item standing for `tokens` placeholder tokens identified by `hash`. */
export type Segment =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'media'; readonly tokens: number; readonly hash: string };

/** The prompt as a token stream: ids (text chunks hashed, media placeholders 0) plus media spans. */
export interface TokenStream {
  readonly ids: Uint32Array;
  readonly media: readonly { start: number; end: number; hash: string }[];
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** Lays the segments out as tokens; same segments → same stream, so same block hashes. */
export function tokenize(segments: readonly Segment[]): TokenStream {
  const ids: number[] = [];
  const media: { start: number; end: number; hash: string }[] = [];
  for (const seg of segments) {
    if (seg.kind === 'text') {
      for (let i = 0; i < seg.text.length; i += CHARS_PER_TOKEN)
        ids.push(fnv1a(seg.text.slice(i, i + CHARS_PER_TOKEN)));
    } else {
      media.push({ start: ids.length, end: ids.length + seg.tokens, hash: seg.hash });
      for (let i = 0; i < seg.tokens; i++) ids.push(0);
    }
  }
  return { ids: Uint32Array.from(ids), media };
}

/**
 * vLLM V1's block hash chain: hash(parent, the block's token ids, hashes of the media items
 * overlapping the block). Only full blocks, and only the first `limitTokens` tokens.
 */
export function blockHashes(stream: TokenStream, limitTokens = stream.ids.length, salt?: string): string[] {
  const out: string[] = [];
  let parent = salt === undefined ? 'root' : `salt:${salt}`;
  const full = Math.floor(Math.min(limitTokens, stream.ids.length) / BLOCK_SIZE);
  for (let b = 0; b < full; b++) {
    const start = b * BLOCK_SIZE;
    const end = start + BLOCK_SIZE;
    const h = createHash('sha256').update(parent).update(stream.ids.subarray(start, end));
    for (const m of stream.media) if (m.start < end && m.end > start) h.update(m.hash);
    parent = h.digest('hex');
    out.push(parent);
  }
  return out;
}
