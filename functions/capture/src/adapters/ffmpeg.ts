/**
 * The only module that touches fluent-ffmpeg (archived upstream, docs/architecture.md §4.2): swap it here
 * for `child_process.spawn` without changing anything else.
 */
import ffmpeg, { type FfmpegCommand, type FfprobeData } from 'fluent-ffmpeg';
import type { RecorderCommand } from '../core/recorder-args';

export interface RecorderExit {
  /** True for a clean end: exit 0, or 255 after our SIGINT ("Exiting normally, received signal 2"). */
  normal: boolean;
  message: string;
  /** Last stderr lines, for the log. */
  stderrTail: string[];
}

export interface RecorderProcess {
  /** Resolves once ffmpeg has exited (never rejects). */
  readonly exited: Promise<RecorderExit>;
  pid(): number | undefined;
  /** SIGINT (finalises and lists the open segment); SIGKILL if still alive after `graceMs`. */
  stop(graceMs?: number): Promise<RecorderExit>;
}

/** Starts one recorder ffmpeg. */
export function spawnRecorder(cmd: RecorderCommand, ffmpegPath: string): RecorderProcess {
  const command: FfmpegCommand = ffmpeg(cmd.input, { stdoutLines: 20 })
    .setFfmpegPath(ffmpegPath)
    // spread (not an array): fluent-ffmpeg splits array items containing one space (paths!)
    .inputOptions(...cmd.inputOptions);
  if (cmd.extraInput) command.input(cmd.extraInput.input).inputOptions(...cmd.extraInput.inputOptions);
  // -filter_complex is a global option: ffmpeg takes it wherever it stands before the outputs
  command.outputOptions(...(cmd.globalOptions ?? []), ...cmd.outputOptions).output(cmd.output);
  // each further .output() starts a new output; the options after it are that output's
  for (const o of cmd.extraOutputs ?? []) command.output(o.output).outputOptions(...o.options);
  const tail: string[] = [];
  let stopRequested = false;
  let started = false;
  command.on('stderr', (line: string) => {
    tail.push(line);
    if (tail.length > 20) tail.shift();
  });
  command.on('start', () => {
    started = true;
    // a stop that came before the spawn (fluent-ffmpeg first lists encoders) takes effect now
    if (stopRequested) command.kill('SIGINT');
  });
  const exited = new Promise<RecorderExit>((resolve) => {
    command.on('end', () => resolve({ normal: true, message: 'ffmpeg exited with code 0', stderrTail: tail }));
    command.on('error', (err: Error) => {
      // fluent-ffmpeg reports the normal SIGINT exit (code 255) as an error
      const normal = stopRequested && (/code 255/.test(err.message) || /signal SIGINT/.test(err.message) || !started);
      resolve({ normal, message: err.message, stderrTail: tail });
    });
  });
  command.run();
  const proc = () => (command as unknown as { ffmpegProc?: { pid?: number; exitCode: number | null } }).ffmpegProc;
  return {
    exited,
    pid: () => proc()?.pid,
    stop: async (graceMs = 10_000) => {
      stopRequested = true;
      if (started) command.kill('SIGINT');
      const timer = setTimeout(() => command.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** ffprobe (format + streams) of one file; rejects when ffprobe cannot read it. */
export function probeFile(file: string, ffprobePath: string): Promise<FfprobeData> {
  return new Promise((resolve, reject) => {
    ffmpeg(file)
      .setFfprobePath(ffprobePath)
      .ffprobe((err: Error | null, data: FfprobeData) => (err ? reject(err) : resolve(data)));
  });
}
