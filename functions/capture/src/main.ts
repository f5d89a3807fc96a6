/**
 * `npm run start:capture`: one capture replica as its container runs it.
 * SIGINT/SIGTERM → recorders stop with SIGINT (last clips finalised and enqueued), leases released, exit 0.
 * On SIGTERM with another live capture replica the cameras are first handed over while recording
 * (make-before-break, core/handoff.ts); SIGINT (Ctrl-C) never waits for that.
 * The lifecycle (shared/src/lifecycle.ts) bounds the stop at 60 s and ignores the second Ctrl-C
 * (the terminal and the tsx wrapper both relay it).
 */
import { loadConfigOrExit } from '../../shared/src/config/load';
import { runMain } from '../../shared/src/lifecycle';
import { startCapture } from './app/start-capture';

const config = loadConfigOrExit(process.env);
runMain(
  'capture',
  async (ctx) => {
    const capture = await startCapture(config);
    // SIGTERM (Kubernetes, a rolling update) hands the cameras over while recording when another
    // replica is live; SIGINT (Ctrl-C, `npm start`'s shutdown) stops at once, as before
    return { stop: () => capture.stop({ handOver: ctx.stoppedBy() !== 'SIGINT' }) };
  },
  { stopTimeoutMs: 60_000 },
);
