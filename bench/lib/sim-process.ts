import { freePort, MAINS, startPart, waitHttpOk, type PartProcess } from '../../test/support';
import { sleep } from '../../functions/shared/src/async';

/**
 * vllm-sim as its own process (as a GPU server is), with the latency model from the config
 * section `vllmSim` (or overrides), plus a sampler of `vllm:num_requests_running` for GPU-idle share.
 */
export interface SimProcess {
  url: string;
  part: PartProcess;
  resetPrefixCache(): Promise<void>;
  metricsText(): Promise<string>;
  /** samples num_requests_running every `everyMs` until stop(); idle share = samples reading 0 */
  sampleRunning(everyMs?: number): { stop(): Promise<{ idleShare: number; samples: number }> };
  stop(): Promise<void>;
}

export async function startSimProcess(
  env: Record<string, string | undefined>,
  overrides: Record<string, string> = {},
): Promise<SimProcess> {
  const port = await freePort();
  const part = startPart('vllm-sim', MAINS.vllmSim, {
    ...env,
    VLLM_SIM_PORT: String(port),
    VLLM_SIM_HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    ...overrides,
  });
  const root = `http://127.0.0.1:${port}`;
  try {
    await waitHttpOk(`${root}/health`, part, 30_000);
  } catch (err) {
    await part.stop();
    throw err;
  }
  const metricsText = async () => (await fetch(`${root}/metrics`)).text();
  return {
    url: `${root}/v1`,
    part,
    metricsText,
    resetPrefixCache: async () => {
      const res = await fetch(`${root}/reset_prefix_cache`, { method: 'POST' });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`vllm-sim /reset_prefix_cache answered ${res.status}`);
    },
    sampleRunning: (everyMs = 10) => {
      let samples = 0;
      let idle = 0;
      let stopped = false;
      const loop = (async () => {
        while (!stopped) {
          const text = await metricsText();
          const line = text.split('\n').find((l) => l.startsWith('vllm:num_requests_running'));
          samples++;
          if (line && Number(line.trim().split(/\s+/).at(-1)) === 0) idle++;
          await sleep(everyMs);
        }
      })();
      return {
        stop: async () => {
          stopped = true;
          await loop;
          return { idleShare: idle / Math.max(1, samples), samples };
        },
      };
    },
    stop: () => part.stop(5000),
  };
}
