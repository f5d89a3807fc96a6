import type { Logger } from '../../../../functions/shared/src/logger';
import { sleep } from '../../../../functions/shared/src/async';
import { startRtspServer, type RtspServerPorts, type RtspServerProcess } from './rtsp-server';

/**
 * The RTSP server, restarted on the same ports when it dies. The single-threaded npm server can
 * die (e.g. under a CPU spike, docs/architecture.md §5); a camera network does not vanish for
 * good. Publishers notice the lost connection and restart themselves; readers (capture) reconnect.
 */
export class SupervisedRtspServer {
  private server: RtspServerProcess | undefined;
  private stopping = false;

  constructor(
    private readonly ports: RtspServerPorts,
    private readonly log: Logger,
  ) {}

  get pid(): number | undefined {
    return this.server?.pid;
  }

  async start(): Promise<void> {
    this.server = await startRtspServer(this.ports);
    this.supervise(this.server);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.server?.stop();
  }

  private supervise(s: RtspServerProcess): void {
    s.child.once('exit', (code, signal) => {
      if (this.stopping) return;
      this.log.error(
        { code, signal, stderr: s.stderrTail().trim() },
        'rtsp server died; restarting it on the same ports',
      );
      void this.restart();
    });
  }

  private async restart(): Promise<void> {
    for (let attempt = 0; !this.stopping; attempt++) {
      try {
        this.server = await startRtspServer(this.ports);
        if (this.stopping) return void (await this.server.stop()); // stop() came while it restarted
        this.supervise(this.server);
        this.log.info({ pid: this.server.pid, attempt }, 'rtsp server restarted');
        return;
      } catch (err) {
        this.log.error({ err: (err as Error).message, attempt }, 'rtsp server restart failed; retrying');
        await sleep(Math.min(500 * 2 ** attempt, 10_000));
      }
    }
  }
}
