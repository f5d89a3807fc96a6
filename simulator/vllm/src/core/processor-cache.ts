/**
 * vLLM's multimodal processor cache, as v0.12.0 has it (issue #27.4), pure. Upstream, at tag
 * v0.12.0 (commit 4fd9d6a85):
 * - `vllm/multimodal/cache.py:165-177` `MultiModalCache.get_lru_cache`: an `LRUCache` of
 *   `GiB_bytes * mm_processor_cache_gb` whose `getsizeof` is the item's size, `:100-125`: the
 *   `nbytes` of its tensors. `vllm/utils/cache.py:51` builds on `cachetools.LRUCache` (evicts the
 *   least recently used until the new item fits; an item larger than the whole cache is not kept).
 * - `vllm/config/multimodal.py:95`: `mm_processor_cache_gb` defaults to 4 (0 = no cache).
 * - `vllm/multimodal/cache.py:329-379` `MultiModalProcessorOnlyCache`: keyed by the item's mm hash;
 *   a hit returns the processed item, a miss stores it.
 * - `vllm/multimodal/processing.py:1660-1722` `_hash_mm_items`: the key is the part's `uuid` when
 *   given (hashed with the processor kwargs when there are any), else a hash of the content.
 * - `processing.py:1724-1756` `_get_cache_missing_items`: an item not cached whose data is None (a
 *   part with a `uuid` and no media) raises `ValueError("Cache miss for {modality} at index {idx}
 *   but data is not provided.")`, which the OpenAI server answers 400 BadRequestError
 *   (`entrypoints/openai/serving_engine.py:743-748`).
 * - `processing.py` `_merge_mm_kwargs`: every hash of the request is touched before new items are
 *   stored, so one request's items never evict each other.
 * - Parts with a uuid and no media arrived in vLLM PR #23950 ("Allow skipping media data when UUIDs
 *   are provided", commit 7f2ea7074), first in v0.11.0 (`git tag --contains`); before it a part
 *   needs its media.
 *
 * Sizes: Qwen3-VL's processed item is `pixel_values(_videos)`, one row of 3 × 2 × 16 × 16 = 1536
 * float32 values per 16 × 16 patch, four patches per placeholder token (2 × 2 spatial merge):
 * {@link processedItemBytes}.
 */

/** Bytes of one processed Qwen3-VL item with `placeholderTokens` vision tokens (float32 pixel patches). */
export function processedItemBytes(placeholderTokens: number): number {
  return placeholderTokens * 4 * 1536 * 4;
}

export const GIB = 1024 ** 3;

interface Entry<V> {
  readonly value: V;
  readonly bytes: number;
}

/** An LRU bounded by total bytes (cachetools.LRUCache with `getsizeof`). */
export class ProcessorCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private used = 0;
  /** Counters, as `vllm:mm_cache_queries` / `vllm:mm_cache_hits` (items). */
  queries = 0;
  hits = 0;
  evictions = 0;

  constructor(readonly capacityBytes: number) {}

  get enabled(): boolean {
    return this.capacityBytes > 0;
  }

  get size(): number {
    return this.entries.size;
  }

  get usedBytes(): number {
    return this.used;
  }

  /** Whether cached, without changing the LRU order (`is_cached`). */
  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** A lookup: counts a query, and a hit moves the item to most recently used. */
  get(key: string): V | undefined {
    this.queries++;
    const e = this.entries.get(key);
    if (!e) return undefined;
    this.hits++;
    this.entries.delete(key);
    this.entries.set(key, e);
    return e.value;
  }

  /** Most recently used, without counting (`touch_sender_cache_item`). */
  touch(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    this.entries.set(key, e);
  }

  /** Stores an item, evicting the least recently used until it fits; one larger than the cache is not kept. */
  put(key: string, value: V, bytes: number): void {
    if (!this.enabled || bytes > this.capacityBytes) return;
    const prev = this.entries.get(key);
    if (prev) {
      this.used -= prev.bytes;
      this.entries.delete(key);
    }
    while (this.used + bytes > this.capacityBytes) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      const e = this.entries.get(oldest.value);
      this.entries.delete(oldest.value);
      this.used -= e?.bytes ?? 0;
      this.evictions++;
    }
    this.entries.set(key, { value, bytes });
    this.used += bytes;
  }
}

/** Upstream's message for a uuid-only part that misses (processing.py:1751-1752 at v0.12.0). */
export function cacheMissMessage(modality: 'video' | 'image', index: number): string {
  return `Cache miss for ${modality} at index ${index} but data is not provided.`;
}
