/**
 * The H.264 copy the dashboard plays when the browser cannot decode a clip (issue #26.4: HEVC
 * cameras; Debian's chromium has no HEVC decoder, camera-compat.md case 2). Made on demand by
 * alerts from the evidence clip and cached (adapters/renditions.ts); the evidence itself is never
 * changed and stays what "download" gives.
 */

/** Long side of the copy: enough to see a hard hat, and bounded CPU for a 4K camera's clip. */
export const RENDITION_MAX_SIDE = 1280;

/** The URL prefix of H.264 copies: `/renditions/h264/<evidence clip path>`. */
export const RENDITION_PREFIX = '/renditions/h264/';

/**
 * ffmpeg argv: the clip's first video stream → H.264 (yuv420p: every browser's decoder takes it)
 * in a faststart MP4 at `outFile` (a seekable output: `+faststart` rewrites the file to put the
 * moov first, https://ffmpeg.org/ffmpeg-formats.html#mov_002c-mp4_002c-ismv, so the player can
 * start before the last byte). The input is pinned like the thumbnails' (`-f mov`, local files
 * only: shared/src/thumbnail-args.ts). Audio, subtitles and metadata are dropped (clips have none).
 * @param file a path already through the clip path guard (`resolveClipPath`)
 */
export function h264RenditionArgs(file: string, outFile: string): string[] {
  const side = RENDITION_MAX_SIDE;
  return [
    ...['-hide_banner', '-nostdin', '-v', 'error'],
    ...['-protocol_whitelist', 'file', '-f', 'mov', '-i', file],
    ...['-map', '0:v:0', '-an', '-sn', '-dn', '-map_metadata', '-1'],
    // long side ≤ 1280, never up, even sizes (as capture's and inference's scale filters)
    ...['-vf', `scale=w='if(gte(iw,ih),min(${side},iw),-2)':h='if(gte(iw,ih),-2,min(${side},ih))'`],
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '26', '-pix_fmt', 'yuv420p'],
    ...['-movflags', '+faststart', '-f', 'mp4', '-y', outFile],
  ];
}
