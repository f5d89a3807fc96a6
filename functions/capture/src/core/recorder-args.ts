/**
 * The recorder's ffmpeg command, built without I/O so it can be tested on its argv
 * (docs/architecture.md §2, layering). Stream copy only: re-encoding costs ~60× the CPU (docs/architecture.md §5).
 */

export interface RecorderArgsInput {
  /** RTSP URL of the camera. */
  url: string;
  transport: 'tcp' | 'udp';
  /** Socket I/O timeout; ffmpeg exits when the stream stalls this long. */
  timeoutSeconds: number;
  segmentSeconds: number;
  /** Absolute CSV segment list of this ffmpeg run. */
  listFile: string;
  /** Absolute staging directory of this run (same filesystem as CLIPS_DIR). */
  runDir: string;
}

/** The command split the way fluent-ffmpeg takes it. */
export interface RecorderCommand {
  input: string;
  inputOptions: string[];
  outputOptions: string[];
  output: string;
}

/** Staging file name: `%s` is the segment's wall-clock start in epoch seconds (TZ-independent). */
export const SEGMENT_PATTERN = 'seg-%s.mp4';

export function buildRecorderCommand(i: RecorderArgsInput): RecorderCommand {
  return {
    input: i.url,
    inputOptions: [
      '-hide_banner',
      '-nostdin',
      '-nostats',
      '-loglevel',
      'warning',
      '-rtsp_transport',
      i.transport,
      // ffmpeg ≥ 5: socket timeout in microseconds (`-stimeout` is gone; docs/architecture.md §6.1)
      '-timeout',
      String(Math.round(i.timeoutSeconds * 1_000_000)),
    ],
    outputOptions: [
      '-map',
      '0:v',
      '-c',
      'copy',
      '-f',
      'segment',
      '-segment_time',
      String(i.segmentSeconds),
      '-segment_format',
      'mp4',
      '-reset_timestamps',
      '1',
      '-strftime',
      '1',
      // the list line is written only after the segment is closed: it is our "finished" signal
      '-segment_list',
      i.listFile,
      '-segment_list_type',
      'csv',
    ],
    output: `${i.runDir}/${SEGMENT_PATTERN}`,
  };
}

/** The argv ffmpeg ends up with (fluent-ffmpeg adds `-y` before the outputs). */
export function recorderArgv(cmd: RecorderCommand): string[] {
  return [...cmd.inputOptions, '-i', cmd.input, '-y', ...cmd.outputOptions, cmd.output];
}

/** camera n (1-based) → `cam<n>` and its URL from RTSP_URL_TEMPLATE. */
export function cameraId(n: number): string {
  return `cam${n}`;
}

export function cameraUrl(template: string, n: number): string {
  return template.replaceAll('{N}', String(n));
}
