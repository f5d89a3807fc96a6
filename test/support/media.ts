import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/**
 * What tests read back out of a clip with the real ffprobe/ffmpeg: stream fields, the decoded
 * frame count and raw decoded pixels. One place for these argvs, so every test reads a clip
 * the same way (ffprobe -show_entries: https://ffmpeg.org/ffprobe.html#Main-options).
 */
const run = promisify(execFile);

export type ProbedStream = Record<string, string | number | undefined>;

/**
 * ffprobe's `streams` with the fields `entries` (e.g. `codec_type,duration`). `video`: the first
 * video stream only; `countFrames`: decode the stream so that `nb_read_frames` is filled;
 * `inputArgs` go before the input (e.g. an RTSP transport). Rejects when ffprobe fails.
 */
export async function probeStreams(
  input: string,
  entries: string,
  o: { video?: boolean; countFrames?: boolean; inputArgs?: readonly string[]; timeoutMs?: number } = {},
): Promise<ProbedStream[]> {
  const { stdout } = await run(
    'ffprobe',
    [
      '-v',
      'error',
      ...(o.inputArgs ?? []),
      ...(o.countFrames ? ['-count_frames'] : []),
      ...(o.video ? ['-select_streams', 'v:0'] : []),
      '-show_entries',
      `stream=${entries}`,
      '-of',
      'json',
      input,
    ],
    { timeout: o.timeoutMs ?? 0 },
  );
  return (JSON.parse(stdout) as { streams: ProbedStream[] }).streams;
}

/** The first video stream as "codec,width,height" (e.g. "h264,640,360"). */
export async function videoCodecSize(input: string, inputArgs: readonly string[] = [], timeoutMs = 0): Promise<string> {
  const [s] = await probeStreams(input, 'codec_name,width,height', { video: true, inputArgs, timeoutMs });
  return `${s?.codec_name},${s?.width},${s?.height}`;
}

/** How many frames the first video stream decodes to (not the count its header claims). */
export async function decodedFrames(file: string): Promise<number> {
  const [s] = await probeStreams(file, 'nb_read_frames', { video: true, countFrames: true });
  return Number(s?.nb_read_frames);
}

/**
 * Decoded frames as raw pixels, back to back: `frames` of them (default 1), from `seek` seconds
 * (default the start), through the filter `vf` (e.g. `scale=64:48,format=gray`), as `pixFmt`
 * (default rgb24).
 */
export async function rawFrames(
  file: string,
  o: { frames?: number; seek?: number; vf?: string; pixFmt?: string } = {},
): Promise<Buffer> {
  const input = [...(o.seek === undefined ? [] : ['-ss', String(o.seek)]), '-i', file];
  const filter = o.vf ? ['-vf', o.vf] : [];
  const output = ['-frames:v', String(o.frames ?? 1), ...filter, '-f', 'rawvideo', '-pix_fmt', o.pixFmt ?? 'rgb24'];
  const args = ['-hide_banner', '-nostdin', '-v', 'error', ...input, ...output, 'pipe:1'];
  const { stdout } = await run('ffmpeg', args, { encoding: 'buffer', maxBuffer: 64 << 20 });
  return stdout;
}
