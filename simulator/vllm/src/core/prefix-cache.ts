import { BLOCK_SIZE, blockHashes, type TokenStream } from './tokens';

/**
 * An LRU of 16-token KV blocks keyed by their hash chain — the shape of vLLM V1's automatic
 * prefix caching. A hit is the longest run of cached blocks from the start; at least the last
 * prompt token is always recomputed, so a prompt is looked up over its first n-1 tokens.
 */
export class PrefixCache {
  private readonly blocks = new Map<string, true>();

  /** @param capacity blocks kept (0 = prefix caching off) */
  constructor(readonly capacity: number) {}

  /** Looks the prompt up, then stores its full blocks. Returns the cached token count. `salt` = vLLM's cache_salt. */
  lookupAndInsert(stream: TokenStream, salt?: string): number {
    if (this.capacity === 0) return 0;
    const all = blockHashes(stream, stream.ids.length, salt);
    const lookupBlocks = Math.floor((stream.ids.length - 1) / BLOCK_SIZE);
    let hits = 0;
    while (hits < lookupBlocks && this.blocks.has(all[hits] as string)) hits++;
    for (const h of all) {
      this.blocks.delete(h); // re-insert = most recently used
      this.blocks.set(h, true);
    }
    while (this.blocks.size > this.capacity) {
      const oldest = this.blocks.keys().next().value as string;
      this.blocks.delete(oldest);
    }
    return hits * BLOCK_SIZE;
  }

  /** Blocks currently held. */
  get size(): number {
    return this.blocks.size;
  }

  /** Drops everything (vLLM's /reset_prefix_cache). */
  clear(): void {
    this.blocks.clear();
  }
}
