import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { exited, terminate } from './child';
import { tsLoaderArgs } from '../../../../functions/shared/src/ts-loader';

export interface RtspServerPorts {
  /** publishers ANNOUNCE/RECORD here */
  readonly serverPort: number;
  /** readers DESCRIBE/SETUP/PLAY here */
  readonly clientPort: number;
  /** UDP RTP/RTCP pool [rtpPortStart, rtpPortStart + rtpPortCount) */
  readonly rtpPortStart: number;
  readonly rtpPortCount: number;
}

export interface RtspServerProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  /** The last few KB the server wrote to stderr (why it died, when it does). */
  stderrTail(): string;
  stop(): Promise<void>;
}

const CHILD = path.join(__dirname, 'rtsp-server-child.ts');
const REPO_ROOT = path.resolve(__dirname, '../../../..');

/**
 * Starts rtsp-streaming-server in a child Node process (run through tsx, or the tests' TypeScript hook: ts-loader.ts) and resolves once it
 * listens. Its stdin is a pipe held by us: if this process dies, the server exits too.
 */
export async function startRtspServer(ports: RtspServerPorts, timeoutMs = 20000): Promise<RtspServerProcess> {
  const child = spawn(process.execPath, [...tsLoaderArgs(), CHILD, JSON.stringify(ports)], {
    cwd: REPO_ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => fail(new Error(`rtsp server not ready after ${timeoutMs} ms: ${stderr}`)),
      timeoutMs,
    );
    const fail = (err: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(err);
    };
    child.once('error', fail);
    child.once('exit', (code, sig) => fail(new Error(`rtsp server exited (${sig ?? code}) before ready: ${stderr}`)));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('READY')) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve();
      }
    });
  });
  // The library logs port warnings to stdout/stderr; keep draining so the pipes never fill.
  child.stdout.resume();
  let stopping: Promise<void> | undefined;
  return {
    pid: child.pid!,
    child,
    stderrTail: () => stderr,
    stop: () => (stopping ??= terminate(child, 'SIGTERM', 3000).then(() => exited(child))),
  };
}
