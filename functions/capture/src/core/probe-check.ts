import type { Mp4Check } from './mp4-boxes';

/** The parts of ffprobe's `-show_format -show_streams` output the check looks at. */
export interface ProbeSummary {
  format?:
    | { format_name?: string | undefined; duration?: number | string | undefined; size?: number | string | undefined }
    | undefined;
  streams?: { codec_type?: string | undefined; duration?: number | string | undefined }[] | undefined;
}

const num = (v: unknown) => (v === undefined || v === null || v === 'N/A' ? NaN : Number(v));

/**
 * Judges a clip from an outside source by its ffprobe output: a container, a video
 * stream, duration > 0 and size > 0 (issue 4). ffprobe failing to open it is `probe-failed`.
 */
export function judgeProbe(probe: ProbeSummary, fileBytes: number): Mp4Check {
  if (fileBytes === 0) return { ok: false, code: 'empty', reason: 'file is empty (0 bytes)' };
  if (!probe.format?.format_name) return { ok: false, code: 'corrupt', reason: 'ffprobe found no container format' };
  const video = (probe.streams ?? []).find((s) => s.codec_type === 'video');
  if (!video) return { ok: false, code: 'no-video', reason: `no video stream in ${probe.format.format_name}` };
  const seconds = [num(probe.format.duration), num(video.duration)].find((d) => Number.isFinite(d));
  if (seconds === undefined || seconds <= 0)
    return { ok: false, code: 'zero-duration', reason: 'duration is 0 or unknown' };
  return { ok: true, durationMs: Math.round(seconds * 1000), boxes: [] };
}
