import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { z } from 'zod';
import { ALERTS_TEST_TOKEN, type TestStack } from '../../../../test/support/system/stack';

/** What real-camera-faults.soak.test.ts checks beside the capture: ffprobe and alerts' /api/coverage. */

const run = promisify(execFile);

/**
 * Why ffprobe finds a clip malformed, or undefined when it is sound: it must decode the whole file
 * without a message at `-v error` (a broken NAL, a truncated moov, …), have one video stream with
 * at least one frame, and a duration > 0. `-count_frames` decodes every frame (ffprobe docs,
 * https://ffmpeg.org/ffprobe.html: "Count the number of frames per stream and report it in the
 * corresponding stream section"); a 5 s 320×180 clip costs milliseconds.
 */
export async function ffprobeProblem(file: string): Promise<string | undefined> {
  const r = await run('ffprobe', [
    ...['-v', 'error', '-count_frames', '-select_streams', 'v'],
    ...['-show_entries', 'stream=codec_type,nb_read_frames:format=duration', '-of', 'json', file],
  ]).catch((err: { stderr?: string; message: string }) => ({ stdout: '', stderr: err.stderr || err.message }));
  if (r.stderr.trim()) return `ffprobe: ${r.stderr.trim().slice(0, 300)}`;
  const parsed = FfprobeSchema.safeParse(JSON.parse(r.stdout || '{}'));
  if (!parsed.success) return `ffprobe output: ${parsed.error.message}`;
  const { streams, format } = parsed.data;
  if (streams.length !== 1 || streams[0]!.codec_type !== 'video') return `streams ${JSON.stringify(streams)}`;
  if (!(Number(streams[0]!.nb_read_frames) >= 1)) return `${streams[0]!.nb_read_frames} frames`;
  if (!(Number(format.duration) > 0)) return `duration ${format.duration}`;
  return undefined;
}

const FfprobeSchema = z.object({
  streams: z.array(z.object({ codec_type: z.string(), nb_read_frames: z.string().optional() })),
  format: z.object({ duration: z.string().optional() }),
});

const GapSchema = z.object({ from: z.number(), to: z.number(), seconds: z.number(), cause: z.string() });
const CoverageSchema = z.object({
  from: z.number(),
  to: z.number(),
  cameras: z.record(z.string(), z.object({ ratio: z.number(), gaps: z.array(GapSchema) })),
});
export type CoverageGap = z.infer<typeof GapSchema>;

/** `GET /api/coverage?seconds=…` of the stack's alerts, as the dashboard reads it (admin token). */
export async function coverageOf(
  s: TestStack,
  cameraId: string,
  seconds = 600,
): Promise<{ to: number; gaps: CoverageGap[] }> {
  const res = await fetch(`${s.url('alerts')}/api/coverage?seconds=${seconds}`, {
    headers: { authorization: `Bearer ${ALERTS_TEST_TOKEN}` },
    signal: AbortSignal.timeout(10_000),
  });
  if (res.status !== 200) throw new Error(`/api/coverage answered ${res.status}`);
  const body = CoverageSchema.parse(await res.json());
  return { to: body.to, gaps: body.cameras[cameraId]?.gaps ?? [] };
}
