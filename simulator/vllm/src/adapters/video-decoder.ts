import type { Frame } from '../core/frame';
import { decodeVideoFfmpeg } from './decode';
import { decodeVideoNodeAv } from './decode-node-av';

/** Which video decoder vllm-sim runs (VLLM_SIM_DECODER): in-process node-av, or one ffmpeg child per request. */
export type VideoDecoderKind = 'node-av' | 'ffmpeg';

export const VIDEO_DECODERS: readonly VideoDecoderKind[] = ['node-av', 'ffmpeg'];

/** Decodes a video (or single image) file with the chosen decoder; both give the same frames. */
export function decodeVideoFile(
  kind: VideoDecoderKind,
  path: string,
  fps: number | 'all' = 2,
  longSide = 448,
): Promise<Frame[]> {
  return kind === 'ffmpeg' ? decodeVideoFfmpeg(path, fps, longSide) : decodeVideoNodeAv(path, fps, longSide);
}
