import { createHash } from 'node:crypto';
import { mkdtemp, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { mp4VideoInfo } from '../../../../functions/shared/src/mp4-info';
import { SimHttpError, badRequest } from '../core/errors';
import {
  JPEG_VIDEO_METADATA_ERROR,
  JPEG_VIDEO_METADATA_SINCE,
  PINNED_VLLM_VERSION,
  needsVideoMetadata,
  versionAtLeast,
} from '../core/version';
import type { Frame } from '../core/frame';
import type { MediaPart } from '../core/request';
import { imageTokens, videoTokens } from '../core/tokens';
import { decodeJpeg, jpegSize } from './decode';
import { decodeVideoFile, type VideoDecoderKind } from './video-decoder';

/** A media item as the prompt sees it: its cache identity, its token cost, and (when asked) its pixels. */
export interface ResolvedMedia {
  readonly hash: string;
  readonly tokens: number;
  readonly frames: readonly Frame[] | undefined;
  /** Videos: the fps vLLM passes to the processor as metadata (container rate, or the stamp on a JPEG list). */
  readonly fps?: number;
}

interface FileEntry {
  readonly key: string;
  readonly contentHash: string;
  /** Decoded frames; empty when pixel analysis is off (then only the header was read). */
  readonly frames: readonly Frame[];
  readonly count: number;
  readonly width: number;
  readonly height: number;
  readonly fps: number | undefined;
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
}

/** Model clips are decoded whole (every frame, as vLLM's OpenCV loader with num_frames -1); longer videos are sampled at 2 fps. */
const WHOLE_DECODE_MAX_FRAMES = 120;

/** Loads media parts. Holds a small LRU of decoded files (vLLM's processor cache plays this role) and the uuid registry. */
export class MediaLoader {
  private readonly files = new Map<string, FileEntry>();
  private readonly byUuid = new Map<string, { hash: string; tokens: number }>();

  private readonly version: string;
  private readonly model: string;
  private readonly analysis: boolean;
  private readonly decoder: VideoDecoderKind;

  constructor(
    private readonly allowedMediaPath: string | undefined,
    behaviour: MediaBehaviour = {},
    private readonly fileCacheItems = 16,
    private readonly uuidItems = 100_000,
  ) {
    this.version = behaviour.vllmVersion ?? PINNED_VLLM_VERSION;
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
      const h = mp4VideoInfo(bytes);
      return {
        key,
        contentHash: key.slice(4),
        frames: [],
        count: h.frames,
        width: h.width,
        height: h.height,
        fps: h.fps,
      };
    } catch {
      return undefined;
    }
  }

  /**
   * Decodes a video container the way vLLM's OpenCV loader sees it: the header's frame count is
   * what it expects to read, and fewer decoded frames is an error (vllm/multimodal/video.py
   * OpenCVVideoBackend: "Expected reading N frames, but only loaded M frames from video.";
   * QwenLM/Qwen3-VL#1770, HTTP 500).
   */
  private async decodeVideo(file: string, bytes: Buffer, what: string, key: string): Promise<FileEntry> {
    const contentHash = createHash('sha256').update(bytes).digest('hex');
    let header: ReturnType<typeof mp4VideoInfo> | undefined;
    try {
      header = mp4VideoInfo(bytes);
    } catch {
      header = undefined; // not an MP4 (e.g. a JPEG file:// image): decode it
    }
    if (!this.analysis && header) {
      return {
        key,
        contentHash,
        frames: [],
        count: header.frames,
        width: header.width,
        height: header.height,
        fps: header.fps,
      };
    }
    const whole = header !== undefined && header.frames <= WHOLE_DECODE_MAX_FRAMES;
    let frames: Frame[];
    try {
      frames = await decodeVideoFile(this.decoder, file, whole ? 'all' : 2);
    } catch (e) {
      throw badRequest(`Failed to load video from ${what}: ${(e as Error).message}`);
    }
    if (frames.length === 0) throw badRequest(`No frames decoded from ${what}`);
    if (whole && header && frames.length < header.frames) {
      throw new SimHttpError(
        500,
        'InternalServerError',
        `Expected reading ${header.frames} frames, but only loaded ${frames.length} frames from video.`,
      );
    }
    const f0 = frames[0] as Frame;
    return {
      key,
      contentHash,
      frames,
      count: whole ? frames.length : frames.length,
      width: f0.width,
      height: f0.height,
      fps: header?.fps,
    };
  }

  /**
   * Resolves one part. `wantFrames` = decode pixels (only the clip under analysis needs them;
   * few-shot media is only hashed and counted).
   * @param kwargs mm_processor_kwargs/media_io_kwargs: they change every item's hash, as in vLLM.
   */
  async resolve(
    part: MediaPart,
    wantFrames: boolean,
    kwargs: string | undefined,
    kwargsVideoFps?: number,
  ): Promise<ResolvedMedia> {
    const src = part.source;
    const withKwargs = (h: string) => (kwargs ? createHash('sha256').update(h).update(kwargs).digest('hex') : h);
    if (src.type === 'uuid-only') {
      const known = this.byUuid.get(part.uuid as string);
      if (!known) throw badRequest(`Media with uuid "${part.uuid}" is not cached; send its URL`);
      if (wantFrames) throw badRequest('The clip under analysis must carry its media, not only a uuid');
      return { hash: withKwargs(part.uuid as string), tokens: known.tokens, frames: undefined };
    }
    let contentHash: string;
    let tokens: number;
    let frames: readonly Frame[] | undefined;
    let fps: number | undefined;
    if (src.type === 'file' || src.type === 'mp4') {
      const entry =
        src.type === 'file'
          ? await this.loadFile(src.path)
          : await this.loadInlineMp4(src.base64, wantFrames && this.analysis);
      contentHash = entry.contentHash;
      tokens =
        part.modality === 'video'
          ? videoTokens(entry.count, entry.width, entry.height)
          : imageTokens(entry.width, entry.height);
      frames =
        wantFrames && this.analysis ? (part.modality === 'video' ? entry.frames : entry.frames.slice(0, 1)) : undefined;
      fps = entry.fps;
    } else {
      if (part.modality === 'video') fps = this.jpegVideoFps(kwargsVideoFps);
      const bufs = src.frames.map((b64) => Buffer.from(b64, 'base64'));
      let size: { width: number; height: number };
      try {
        size = jpegSize(bufs[0] as Buffer);
        frames = wantFrames && this.analysis ? bufs.map(decodeJpeg) : undefined;
      } catch (e) {
        throw badRequest(`Failed to decode JPEG data: ${(e as Error).message}`);
      }
      const h = createHash('sha256');
      for (const b of bufs) h.update(b);
      contentHash = h.digest('hex');
      tokens =
        part.modality === 'video'
          ? videoTokens(bufs.length, size.width, size.height)
          : imageTokens(size.width, size.height);
    }
    if (part.uuid) {
      this.byUuid.delete(part.uuid);
      this.byUuid.set(part.uuid, { hash: contentHash, tokens });
      if (this.byUuid.size > this.uuidItems) this.byUuid.delete(this.byUuid.keys().next().value as string);
    }
    return { hash: withKwargs(part.uuid ?? contentHash), tokens, frames, ...(fps === undefined ? {} : { fps }) };
  }

  /**
   * A `data:video/jpeg` frame list. vLLM before #37301 returns `{}` as its metadata, and
   * Qwen3-VL's processor then fails building VideoMetadata: HTTP 500 with that message
   * (QwenLM/Qwen3-VL#1643, #1762; vllm-project/vllm#30129). From #37301 on it is accepted and
   * stamped at media_io_kwargs.video.fps, default 1 fps (so 2 fps frames read as twice as long).
   */
  private jpegVideoFps(kwargsVideoFps: number | undefined): number {
    const fixed = versionAtLeast(this.version, JPEG_VIDEO_METADATA_SINCE);
    if (!fixed && needsVideoMetadata(this.model))
      throw new SimHttpError(500, 'InternalServerError', JPEG_VIDEO_METADATA_ERROR);
    return kwargsVideoFps ?? 1;
  }
}
