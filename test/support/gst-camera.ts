import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { sleep, within } from '../../functions/shared/src/async';

/**
 * A real RTSP camera stand-in for tests and benchmarks (issue #26): Debian's gst-rtsp-server,
 * driven by ./gst-rtsp-server.py under /usr/bin/python3 (python3-gi, gir1.2-gst-rtsp-server-1.0;
 * .ci/run installs them). One mount, `/cam`, encoded live (x264enc / x265enc), with the options a
 * real IP camera has: codec, GOP, audio track, digest auth, TCP-only.
 */
export interface GstCameraOptions {
  codec?: 'h264' | 'hevc';
  audio?: 'none' | 'aac' | 'pcma';
  /** Keyframe interval, seconds. */
  gop?: number;
  fps?: number;
  width?: number;
  height?: number;
  kbps?: number;
  /** Digest auth with this user/password when set. */
  user?: string;
  password?: string;
  /** Refuse RTP over UDP (461), as many cameras behind NAT or firewalls do. */
  tcpOnly?: boolean;
  /** 0 (default) = a free port. */
  port?: number;
}

export interface GstCamera {
  readonly port: number;
  /** rtsp://[user:password@]127.0.0.1:port/cam, userinfo percent-encoded. */
  readonly url: string;
  /** Frames stop before the encoder for `seconds` with the RTSP session kept open (a hung encoder). */
  stall(seconds: number): Promise<void>;
  /**
   * Resolves when the server says the stall ended (its `{"resumed": true}` line): the fault's end.
   * Call it after `stall()` resolved: both read the server's stdout in turn, one line at a time.
   */
  resumed(): Promise<void>;
  /** A reboot: SIGKILL, `downMs` with nothing listening, then the same camera on the same port. */
  restart(downMs: number): Promise<void>;
  /** Stops the server (idempotent). */
  stop(): Promise<void>;
}

export const GST_PYTHON = '/usr/bin/python3';
const SCRIPT = path.join(__dirname, 'gst-rtsp-server.py');
const running = new Set<ChildProcess>();

interface Launched {
  child: ChildProcess;
  port: number;
  lines: AsyncIterator<string>;
  exited: Promise<void>;
}

function argv(o: GstCameraOptions, port: number): string[] {
  const a = [SCRIPT, '--port', String(port)];
  if (o.codec) a.push('--codec', o.codec);
  if (o.audio) a.push('--audio', o.audio);
  if (o.gop !== undefined) a.push('--gop', String(o.gop));
  if (o.fps !== undefined) a.push('--fps', String(o.fps));
  if (o.width !== undefined) a.push('--width', String(o.width));
  if (o.height !== undefined) a.push('--height', String(o.height));
  if (o.kbps !== undefined) a.push('--kbps', String(o.kbps));
  if (o.user) a.push('--user', o.user, '--password', o.password ?? '');
  if (o.tcpOnly) a.push('--tcp-only');
  return a;
}

async function launch(o: GstCameraOptions, port: number): Promise<Launched> {
  // stdin stays a pipe: the server quits when it closes, so it cannot outlive a crashed test run
  const child = spawn(GST_PYTHON, argv(o, port), { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => running.delete(child));
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const first = await within(
    lines.next().then((r) => (r.done ? undefined : r.value)),
    15_000,
    undefined,
  );
  const parsed = first ? (JSON.parse(first) as { port?: number; error?: string }) : {};
  if (!parsed.port) {
    killGroup(child, 'SIGKILL');
    throw new Error(`gst-rtsp-server did not start: ${first ?? ''} ${stderr}`);
  }
  return { child, port: parsed.port, lines, exited };
}

function killGroup(child: ChildProcess, sig: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, sig);
  } catch {
    // gone already
  }
}

async function stopLaunched(l: Launched): Promise<void> {
  killGroup(l.child, 'SIGTERM');
  if (
    !(await within(
      l.exited.then(() => true),
      3000,
      false,
    ))
  )
    killGroup(l.child, 'SIGKILL');
  await within(l.exited, 3000, undefined);
}

/** Starts a camera; it is stopped at the end of the test file even if the test forgets. */
export async function startGstCamera(o: GstCameraOptions = {}): Promise<GstCamera> {
  let current = await launch(o, o.port ?? 0);
  const port = current.port;
  const auth = o.user ? `${encodeURIComponent(o.user)}:${encodeURIComponent(o.password ?? '')}@` : '';
  const waitLine = async (key: string): Promise<void> => {
    for (;;) {
      const r = await current.lines.next();
      if (r.done) throw new Error(`gst-rtsp-server ended before "${key}"`);
      if (r.value.includes(`"${key}"`)) return;
    }
  };
  return {
    port,
    url: `rtsp://${auth}127.0.0.1:${port}/cam`,
    async stall(seconds) {
      current.child.stdin!.write(`stall ${seconds}\n`);
      await waitLine('stalled');
    },
    resumed: () => waitLine('resumed'),
    async restart(downMs) {
      killGroup(current.child, 'SIGKILL');
      await current.exited;
      await sleep(downMs);
      current = await launch(o, port);
    },
    stop: () => stopLaunched(current),
  };
}

/** Every gst camera still running (what the afterAll below runs). */
export async function stopGstCameras(): Promise<void> {
  for (const child of running) killGroup(child, 'SIGKILL');
  await sleep(0);
}

if (typeof afterAll === 'function') {
  try {
    afterAll(() => stopGstCameras());
  } catch {
    // imported from inside a running test
  }
}
