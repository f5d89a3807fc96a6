import { createHash } from 'node:crypto';
import { mkdtemp, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { mp4VideoInfo } from '../../../../functions/shared/src/mp4-info';
import { SimHttpError, badRequest } from '../core/errors';
import {
  BROKEN_FRAMES_DROPPED_SINCE,
  JPEG_VIDEO_METADATA_ERROR,
  JPEG_VIDEO_METADATA_SINCE,
  PINNED_VLLM_VERSION,
  TYPE_ERROR_IS_400_SINCE,
  UUID_ONLY_PARTS_SINCE,
  needsVideoMetadata,
  versionAtLeast,
} from '../core/version';
import type { Frame } from '../core/frame';
import type { MediaPart } from '../core/request';
import { qwenTokenizer } from '../core/qwen-tokenizer';
import { ProcessorError, processVideo, videoPlaceholderIds, type LoadedVideo, type VideoKwargs } from '../core/qwen-vl';
import { imagePlaceholderIds } from '../core/tokens';
import { SPECIAL } from '../core/qwen-tokenizer';
import { GIB, ProcessorCache, cacheMissMessage, processedItemBytes } from '../core/processor-cache';

/** Vision placeholder tokens of an item (its processed size follows from them). */
const countVisionPads = (ids: readonly number[]): number =>
  ids.filter((id) => id === SPECIAL.videoPad || id === SPECIAL.imagePad).length;
import { decodeJpeg, jpegSize } from './decode';
import { decodeVideoFile, type VideoDecoderKind } from './video-decoder';

/** A media item as the prompt sees it: its cache identity, its placeholder ids, and (when asked) the frames the processor keeps. */
export interface ResolvedMedia {
  readonly hash: string;
  readonly ids: readonly number[];
  readonly frames: readonly Frame[] | undefined;
  /** Videos: the fps vLLM passes to the processor as metadata (container rate, or the stamp on a JPEG list). */
  readonly fps?: number | undefined;
  /** Videos: frames the processor kept (all of a model clip with do_sample_frames false; 9 of 10 at a 2.02 fps header with true). */
  readonly framesKept?: number | undefined;
}

/** The request fields that change how media is processed and hashed. */
export interface MediaKwargs {
  /** mm_processor_kwargs + media_io_kwargs, serialised: they enter every item's hash. */
  readonly hashKey: string | undefined;
  readonly video: VideoKwargs;
  /** media_io_kwargs.video.fps (the stamp on a JPEG list from v0.19.0). */
  readonly videoIoFps: number | undefined;
}

interface FileEntry {
  readonly key: string;
  readonly contentHash: string;
  /** Decoded frames; empty when pixel analysis is off (then only the header was read). */
  readonly frames: readonly Frame[];
  readonly video: LoadedVideo;
}

function headerEntry(key: string, contentHash: string, h: ReturnType<typeof mp4VideoInfo>): FileEntry {
  const video = { totalFrames: h.frames, fps: h.fps ?? 2, decodedFrames: h.frames, width: h.width, height: h.height };
  return { key, contentHash, frames: [], video };
}

/** The processor's outcome, or its error as vLLM answers it (ValueError → 400, IndexError → 500). */
function processOrFail(video: LoadedVideo, kw: VideoKwargs): ReturnType<typeof processVideo> {
  try {
    return processVideo(video, kw);
  } catch (e) {
    if (!(e instanceof ProcessorError)) throw e;
    throw e.status === 400 ? badRequest(e.message) : new SimHttpError(500, 'InternalServerError', e.message);
  }
}

/** Version- and model-dependent behaviour of the loader. */
export interface MediaBehaviour {
  /** The vLLM version modelled. @default PINNED_VLLM_VERSION */
  readonly vllmVersion?: string;
  /** Served model name (Qwen3-VL needs video metadata). */
  readonly model?: string;
  /** Decode pixels (false: count from the container header only; capacity benchmarks). @default true */
  readonly analysis?: boolean;
  /** Video decoder: in-process node-av, or an ffmpeg child per request (VLLM_SIM_DECODER). @default 'node-av' */
  readonly decoder?: VideoDecoderKind;
  /** vLLM `--mm-processor-cache-gb` (VLLM_SIM_MM_PROCESSOR_CACHE_GB; 0 = no cache). @default 4 */
  readonly mmProcessorCacheGb?: number;
}

/** Model clips are decoded whole (every frame, as vLLM's OpenCV loader with num_frames -1); longer videos are sampled at 2 fps. */
const WHOLE_DECODE_MAX_FRAMES = 120;

/**
 * Loads media parts. Holds a small LRU of decoded files and vLLM's processor cache (LRU by size,
 * `mm_processor_cache_gb`, core/processor-cache.ts): what a part with a `uuid` and no media finds.
 */
export class MediaLoader {
  private readonly files = new Map<string, FileEntry>();
  readonly processorCache: ProcessorCache<readonly number[]>;

  private readonly version: string;
  private readonly model: string;
  private readonly analysis: boolean;
  private readonly decoder: VideoDecoderKind;

  constructor(
    private readonly allowedMediaPath: string | undefined,
    behaviour: MediaBehaviour = {},
    private readonly fileCacheItems = 16,
  ) {
    this.version = behaviour.vllmVersion ?? PINNED_VLLM_VERSION;
    this.processorCache = new ProcessorCache(Math.round((behaviour.mmProcessorCacheGb ?? 4) * GIB));
    this.model = behaviour.model ?? 'Qwen/Qwen3-VL-8B-Instruct';
    this.analysis = behaviour.analysis ?? true;
    this.decoder = behaviour.decoder ?? 'node-av';
  }

  /** Realpath check like vLLM's `--allowed-local-media-path`: the file must resolve inside the allowed root. */
  async checkPath(p: string): Promise<string> {
    if (!this.allowedMediaPath)
      throw badRequest('Cannot load local files without --allowed-local-media-path (VLLM_SIM_ALLOWED_MEDIA_PATH)');
    let real: string;
    let root: string;
    try {
      root = await realpath(this.allowedMediaPath);
      real = await realpath(p);
    } catch {
      throw badRequest(`The file path ${p} does not exist or is not readable`);
    }
    const rel = path.relative(root, real);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
      throw badRequest(`The file path ${p} must be a subpath of --allowed-local-media-path ${this.allowedMediaPath}`);
    }
    if (!(await stat(real)).isFile()) throw badRequest(`The file path ${p} is not a regular file`);
    return real;
  }

  private async loadFile(p: string): Promise<FileEntry> {
    const real = await this.checkPath(p);
    const st = await stat(real);
    const key = `${real}:${st.size}:${st.mtimeMs}`;
    const hit = this.files.get(key);
    if (hit) {
      this.files.delete(key);
      this.files.set(key, hit);
      return hit;
    }
    const entry = await this.decodeVideo(real, await readFile(real), p, key);
    this.files.set(key, entry);
    while (this.files.size > this.fileCacheItems) this.files.delete(this.files.keys().next().value as string);
    return entry;
  }

  /**
   * `data:video/mp4`: vLLM writes nothing to disk, but the decoders want a seekable file, so the sim
   * uses a private temp file. Media only counted (few-shot examples) is read from its header;
   * decoded clips are cached by content (the processor cache's role).
   */
  private async loadInlineMp4(base64: string, wantPixels: boolean): Promise<FileEntry> {
    const bytes = Buffer.from(base64, 'base64');
    const key = `mp4:${createHash('sha256').update(bytes).digest('hex')}`;
    const hit = this.files.get(key);
    if (hit) return hit;
    if (!wantPixels) {
      const header = this.headerOnly(bytes, key);
      if (header) return header;
    }
    const dir = await mkdtemp(path.join(os.tmpdir(), 'vllm-sim-'));
    try {
      const file = path.join(dir, 'video.mp4');
      await writeFile(file, bytes);
      const entry = await this.decodeVideo(file, bytes, 'data:video/mp4', key);
      this.files.set(key, entry);
      while (this.files.size > this.fileCacheItems) this.files.delete(this.files.keys().next().value as string);
      return entry;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  private headerOnly(bytes: Buffer, key: string): FileEntry | undefined {
    try {
      return headerEntry(key, key.slice(4), mp4VideoInfo(bytes));
    } catch {
      return undefined;
    }
  }

  /**
   * Decodes a video container the way vLLM's OpenCV loader reads it: the header's frame count is
   * what it tries to read. Before v0.12.0 fewer decoded frames was an error ("Expected reading N
   * frames, but only loaded M frames from video.", QwenLM/Qwen3-VL#1770 on 0.11.0, HTTP 500); from
   * v0.12.0 broken/unreadable frames are dropped with a warning and the metadata says
   * `do_sample_frames = valid == total` (vllm#29001, #29150; video.py:67-116, :192), so the
   * processor kwargs decide what follows (core/qwen-vl.ts `processVideo`).
   */
  private async decodeVideo(file: string, bytes: Buffer, what: string, key: string): Promise<FileEntry> {
    const contentHash = createHash('sha256').update(bytes).digest('hex');
    let header: ReturnType<typeof mp4VideoInfo> | undefined;
    try {
      header = mp4VideoInfo(bytes);
    } catch {
      header = undefined; // not an MP4 (e.g. a JPEG file:// image): decode it
    }
    if (!this.analysis && header) return headerEntry(key, contentHash, header);
    const whole = header !== undefined && header.frames <= WHOLE_DECODE_MAX_FRAMES;
    let frames: Frame[];
    try {
      frames = await decodeVideoFile(this.decoder, file, whole ? 'all' : 2);
    } catch (e) {
      throw badRequest(`Failed to load video from ${what}: ${(e as Error).message}`);
    }
    if (frames.length === 0) throw badRequest(`No frames decoded from ${what}`);
    if (
      whole &&
      header &&
      frames.length < header.frames &&
      !versionAtLeast(this.version, BROKEN_FRAMES_DROPPED_SINCE)
    ) {
      throw new SimHttpError(
        500,
        'InternalServerError',
        `Expected reading ${header.frames} frames, but only loaded ${frames.length} frames from video.`,
      );
    }
    const f0 = frames[0] as Frame;
    const video: LoadedVideo =
      whole && header
        ? {
            totalFrames: header.frames,
            fps: header.fps ?? 2,
            decodedFrames: frames.length,
            width: header.width,
            height: header.height,
          }
        : { totalFrames: frames.length, fps: 2, decodedFrames: frames.length, width: f0.width, height: f0.height };
    return { key, contentHash, frames, video };
  }

  /**
   * Resolves one part into its cache identity and placeholder ids. `wantFrames` = decode pixels
   * (only the clip under analysis needs them; few-shot media is only hashed and counted).
   * `kwargs.hashKey` (mm_processor_kwargs/media_io_kwargs) enters every item's hash, as in vLLM.
   */
  /**
   * Touches the cached items of a request's parts with a uuid before any is processed, as
   * `_merge_mm_kwargs` does, so one request's new items never evict its own cached ones.
   */
  touchAll(parts: readonly MediaPart[], kwargs: Pick<MediaKwargs, 'hashKey'>): void {
    for (const p of parts) if (p.uuid) this.processorCache.touch(this.itemHash(p.uuid, kwargs));
  }

  private itemHash(h: string, kwargs: Pick<MediaKwargs, 'hashKey'>): string {
    return kwargs.hashKey ? createHash('sha256').update(h).update(kwargs.hashKey).digest('hex') : h;
  }

  async resolve(part: MediaPart, wantFrames: boolean, kwargs: MediaKwargs, index = 0): Promise<ResolvedMedia> {
    const src = part.source;
    const withKwargs = (h: string) => this.itemHash(h, kwargs);
    if (src.type === 'uuid-only') {
      // vllm PR #23950, first in v0.11.0: before it a part must carry its media (core/processor-cache.ts)
      if (!versionAtLeast(this.version, UUID_ONLY_PARTS_SINCE))
        throw badRequest(
          `${part.modality} part without media: vLLM ${this.version} needs its URL (uuid-only parts need ≥ 0.11.0)`,
        );
      const hash = withKwargs(part.uuid as string);
      const ids = this.processorCache.get(hash);
      if (!ids) throw badRequest(cacheMissMessage(part.modality, index));
      if (wantFrames) throw badRequest('The clip under analysis must carry its media, not only a uuid');
      return { hash, ids, frames: undefined };
    }
    let contentHash: string;
    let entry: FileEntry;
    if (src.type === 'file' || src.type === 'mp4') {
      entry =
        src.type === 'file'
          ? await this.loadFile(src.path)
          : await this.loadInlineMp4(src.base64, wantFrames && this.analysis);
      contentHash = entry.contentHash;
    } else {
      entry = this.jpegEntry(src.frames, part.modality, wantFrames, kwargs.videoIoFps);
      contentHash = entry.contentHash;
    }
    const decoded = wantFrames && this.analysis ? entry.frames : undefined;
    let ids: readonly number[];
    let frames: readonly Frame[] | undefined;
    let fps: number | undefined;
    let framesKept: number | undefined;
    if (part.modality === 'video') {
      const p = processOrFail(entry.video, kwargs.video);
      ids = videoPlaceholderIds(p, qwenTokenizer().encode);
      frames = decoded ? p.keep.map((i) => decoded[i] as Frame) : undefined;
      fps = entry.video.fps;
      framesKept = p.keep.length;
    } else {
      ids = imagePlaceholderIds(entry.video.width, entry.video.height);
      frames = decoded?.slice(0, 1);
    }
    // every processed item enters the processor cache under its hash (the uuid's when given)
    const hash = withKwargs(part.uuid ?? contentHash);
    if (this.processorCache.get(hash) === undefined)
      this.processorCache.put(hash, ids, processedItemBytes(countVisionPads(ids)));
    return { hash, ids, frames, fps, framesKept };
  }

  /** A JPEG list (video) or one JPEG (image), decoded in process. */
  private jpegEntry(
    b64s: readonly string[],
    modality: 'video' | 'image',
    wantFrames: boolean,
    ioFps?: number,
  ): FileEntry {
    const fps = modality === 'video' ? this.jpegVideoFps(ioFps) : 1;
    const bufs = b64s.map((b64) => Buffer.from(b64, 'base64'));
    const h = createHash('sha256');
    for (const b of bufs) h.update(b);
    try {
      const size = jpegSize(bufs[0] as Buffer);
      const frames = wantFrames && this.analysis ? bufs.map(decodeJpeg) : [];
      const n = bufs.length;
      // v0.19.0 load_base64 stamps fps and do_sample_frames False (media/video.py:74-104).
      return {
        key: '',
        contentHash: h.digest('hex'),
        frames,
        video: { totalFrames: n, fps, decodedFrames: n, ...size },
      };
    } catch (e) {
      throw badRequest(`Failed to decode JPEG data: ${(e as Error).message}`);
    }
  }

  /**
   * A `data:video/jpeg` frame list. vLLM before #37301 returns `{}` as its metadata, and Qwen3-VL's
   * processor then fails building VideoMetadata (QwenLM/Qwen3-VL#1643, #1762; vllm-project/vllm#30129):
   * a TypeError, HTTP 500 up to 0.12 and 400 from 0.13 (vllm/entrypoints/utils.py:321 at v0.18.0;
   * #37301 says "returns a 400 error"). From v0.19.0 (the first release with #37301) it is accepted
   * and stamped at media_io_kwargs.video.fps, default 1 fps (so 2 fps frames read as twice as long).
   */
  private jpegVideoFps(kwargsVideoFps: number | undefined): number {
    const fixed = versionAtLeast(this.version, JPEG_VIDEO_METADATA_SINCE);
    if (!fixed && needsVideoMetadata(this.model)) {
      if (versionAtLeast(this.version, TYPE_ERROR_IS_400_SINCE)) throw badRequest(JPEG_VIDEO_METADATA_ERROR);
      throw new SimHttpError(500, 'InternalServerError', JPEG_VIDEO_METADATA_ERROR);
    }
    return kwargsVideoFps ?? 1;
  }
}
