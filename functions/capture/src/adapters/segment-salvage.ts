import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import { promisify } from 'node:util';
import { mp4VideoInfo, videoCodecConfig } from '../../../shared/src/mp4-info';
import { mdatPayloadOffset, parameterSets, toAnnexB } from '../core/annexb';
import { checkMp4File } from './mp4-file';

const run = promisify(execFile);

export type Salvage = { ok: true; durationMs: number; nals: number } | { ok: false; reason: string };

/**
 * Rebuilds the open segment of a recorder that had to be killed (core/annexb.ts) as a playable MP4
 * at `out`, by a stream copy: the codec configuration and frame rate come from `reference`, a
 * finished segment of the same run (same camera session, so the same parameter sets). The raw
 * H.264/HEVC demuxers time the frames at `-framerate` ("framerate: set the frame rate", the raw
 * video demuxers' option, https://ffmpeg.org/ffmpeg-formats.html#h264), so a camera with a varying
 * frame rate gets its clip's length only approximately. HEVC is tagged `hvc1` as the recorder's own
 * evidence (core/recorder-args.ts); the mp4 muxer refuses that tag on H.264, so only there. Never
 * throws; `out` is removed when it fails.
 */
export async function salvageSegment(i: {
  partial: string;
  reference: string;
  out: string;
  ffmpegPath: string;
}): Promise<Salvage> {
  const annexB = `${i.out}.es`;
  try {
    const ref = await fs.readFile(i.reference);
    const codec = videoCodecConfig(ref);
    const ps = codec && parameterSets(codec.entry, codec.config);
    if (!ps) return { ok: false, reason: 'the reference segment has no avcC/hvcC configuration' };
    const fps = mp4VideoInfo(ref).fps;
    if (!(fps > 0 && fps <= 240)) return { ok: false, reason: `the reference segment's frame rate ${fps} is unusable` };
    const partial = await fs.readFile(i.partial);
    const at = mdatPayloadOffset(partial);
    if (at === undefined) return { ok: false, reason: 'no mdat in the open segment' };
    const { stream, nals, slices } = toAnnexB(partial.subarray(at), ps);
    if (slices === 0) return { ok: false, reason: `the open segment holds no whole slice (${nals} NAL units)` };
    await fs.writeFile(annexB, stream);
    const input = ['-f', ps.codec, '-framerate', fps.toFixed(3), '-i', annexB];
    const output = ['-map', '0:v:0', '-c', 'copy', ...(ps.codec === 'hevc' ? ['-tag:v', 'hvc1'] : []), '-f', 'mp4'];
    await run(i.ffmpegPath, ['-hide_banner', '-nostdin', '-loglevel', 'error', ...input, ...output, '-y', i.out], {
      timeout: 30_000,
    });
    const check = await checkMp4File(i.out);
    if (!check.ok) throw new Error(`rebuilt clip rejected: ${check.reason}`);
    return { ok: true, durationMs: check.durationMs, nals };
  } catch (err) {
    await fs.rm(i.out, { force: true });
    return { ok: false, reason: err instanceof Error ? err.message.split('\n')[0]! : String(err) };
  } finally {
    await fs.rm(annexB, { force: true });
  }
}
