import { createHash } from 'node:crypto';
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { badRequest } from '../core/errors';
import type { Frame } from '../core/frame';
import type { MediaPart } from '../core/request';
import { imageTokens, videoTokens } from '../core/tokens';
import { decodeJpeg, decodeVideoFile, jpegSize } from './decode';

/** A media item as the prompt sees it: its cache identity, its token cost, and (when asked) its pixels. */
export interface ResolvedMedia {
  readonly hash: string;
  readonly tokens: number;
  readonly frames: readonly Frame[] | undefined;
}

interface FileEntry {
  readonly key: string;
  readonly contentHash: string;
  readonly frames: readonly Frame[];
}

/** Loads media parts. Holds a small LRU of decoded files (vLLM's processor cache plays this role) and the uuid registry. */
export class MediaLoader {
  private readonly files = new Map<string, FileEntry>();
  private readonly byUuid = new Map<string, { hash: string; tokens: number }>();

  constructor(
    private readonly allowedMediaPath: string | undefined,
    private readonly fileCacheItems = 16,
    private readonly uuidItems = 100_000,
  ) {}

  /** Realpath check like vLLM's `--allowed-local-media-path`: the file must resolve inside the allowed root. */
  async checkPath(p: string): Promise<string> {
    if (!this.allowedMediaPath) throw badRequest('Cannot load local files without --allowed-local-media-path (VLLM_SIM_ALLOWED_MEDIA_PATH)');
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
    const contentHash = createHash('sha256').update(await readFile(real)).digest('hex');
    let frames: Frame[];
    try {
      frames = await decodeVideoFile(real);
    } catch (e) {
      throw badRequest(`Failed to load video from ${p}: ${(e as Error).message}`);
    }
    if (frames.length === 0) throw badRequest(`No frames decoded from ${p}`);
    const entry = { key, contentHash, frames };
    this.files.set(key, entry);
    while (this.files.size > this.fileCacheItems) this.files.delete(this.files.keys().next().value as string);
    return entry;
  }

  /**
   * Resolves one part. `wantFrames` = decode pixels (only the clip under analysis needs them;
   * few-shot media is only hashed and counted).
   * @param kwargs mm_processor_kwargs/media_io_kwargs: they change every item's hash, as in vLLM.
   */
  async resolve(part: MediaPart, wantFrames: boolean, kwargs: string | undefined): Promise<ResolvedMedia> {
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
    if (src.type === 'file') {
      const entry = await this.loadFile(src.path);
      const f0 = entry.frames[0] as Frame;
      contentHash = entry.contentHash;
      tokens = part.modality === 'video' ? videoTokens(entry.frames.length, f0.width, f0.height) : imageTokens(f0.width, f0.height);
      frames = wantFrames ? (part.modality === 'video' ? entry.frames : [f0]) : undefined;
    } else {
      const bufs = src.frames.map((b64) => Buffer.from(b64, 'base64'));
      let size: { width: number; height: number };
      try {
        size = jpegSize(bufs[0] as Buffer);
        frames = wantFrames ? bufs.map(decodeJpeg) : undefined;
      } catch (e) {
        throw badRequest(`Failed to decode JPEG data: ${(e as Error).message}`);
      }
      const h = createHash('sha256');
      for (const b of bufs) h.update(b);
      contentHash = h.digest('hex');
      tokens = part.modality === 'video' ? videoTokens(bufs.length, size.width, size.height) : imageTokens(size.width, size.height);
    }
    if (part.uuid) {
      this.byUuid.delete(part.uuid);
      this.byUuid.set(part.uuid, { hash: contentHash, tokens });
      if (this.byUuid.size > this.uuidItems) this.byUuid.delete(this.byUuid.keys().next().value as string);
    }
    return { hash: withKwargs(part.uuid ?? contentHash), tokens, frames };
  }
}
