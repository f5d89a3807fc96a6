/**
 * `npm run start:capture`: one capture replica as its container runs it.
 * SIGINT/SIGTERM → recorders stop with SIGINT (last clips finalised and enqueued), leases released, exit 0.
 * The lifecycle (shared/src/lifecycle.ts) bounds the stop at 60 s and ignores the second Ctrl-C
 * (the terminal and the tsx wrapper both relay it).
 */
import { loadConfigOrExit } from '../../shared/src/config/load';
import { runMain } from '../../shared/src/lifecycle';
import { startCapture } from './app/start-capture';

const config = loadConfigOrExit(process.env);
runMain('capture', () => startCapture(config), { stopTimeoutMs: 60_000 });
