import { createHash } from 'node:crypto';
import { SPECIAL, qwenTokenizer } from './qwen-tokenizer';

/**
 * The prompt as vLLM sees it (docs/architecture.md §6.3): the chat template's text encoded with the
 * real Qwen3 tokenizer, and each media item as the placeholder ids its processor expands it to
 * (videos: core/qwen-vl.ts). The ids feed vLLM V1's 16-token block hash chain.
 */
export const BLOCK_SIZE = 16;
export const PATCH_PX = 32;

/** One image: one token per 32×32 px after rounding each side to a multiple of 32, between vision start and end. */
export function imagePlaceholderIds(width: number, height: number): number[] {
  const round = (v: number) => Math.max(PATCH_PX, Math.round(v / PATCH_PX) * PATCH_PX);
  const pads = (round(width) / PATCH_PX) * (round(height) / PATCH_PX);
  return [SPECIAL.visionStart, ...new Array<number>(pads).fill(SPECIAL.imagePad), SPECIAL.visionEnd];
}

/** A prompt piece: template text, or a media item's placeholder ids identified by `hash`. */
export type Segment =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'media'; readonly ids: readonly number[]; readonly hash: string };

/** The prompt as a token stream: ids plus the media spans (their hashes enter the blocks they overlap). */
export interface TokenStream {
  readonly ids: Uint32Array;
  readonly media: readonly { start: number; end: number; hash: string }[];
}

/**
 * Lays the segments out as tokens. Adjacent text is joined before encoding, as the template renders
 * one string (special tokens split it, so each run between media encodes as it would in vLLM).
 */
export function tokenize(segments: readonly Segment[]): TokenStream {
  const encode = qwenTokenizer().encode;
  const ids: number[] = [];
  const media: { start: number; end: number; hash: string }[] = [];
  let text = '';
  const flush = () => {
    if (text !== '') for (const id of encode(text)) ids.push(id);
    text = '';
  };
  for (const seg of segments) {
    if (seg.kind === 'text') {
      text += seg.text;
      continue;
    }
    flush();
    media.push({ start: ids.length, end: ids.length + seg.ids.length, hash: seg.hash });
    for (const id of seg.ids) ids.push(id);
  }
  flush();
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
