/** `npm run start:vllm-sim`: the simulator as a process, configured from the environment. */
import { loadConfigOrExit } from '../../../functions/shared/src/config/load';
import { runMain } from '../../../functions/shared/src/lifecycle';
import { createLogger } from '../../../functions/shared/src/logger';
import { startVllmSim } from './index';

async function main(): Promise<{ stop(): Promise<void> }> {
  const config = loadConfigOrExit(process.env);
  const log = createLogger('vllm-sim', config.common.logLevel);
  for (const warning of config.warnings) log.warn(warning); // deprecated names/spellings (docs/architecture.md §3.2)
  const s = config.vllmSim;
  const sim = await startVllmSim({
    port: s.port,
    host: s.host,
    model: config.common.vllmModel,
    ...(s.allowedMediaPath === undefined ? {} : { allowedMediaPath: s.allowedMediaPath }),
    prefillUsPerToken: s.prefillUsPerToken,
    decodeMsPerToken: s.decodeMsPerToken,
    overheadMs: s.overheadMs,
    maxBatch: s.maxBatch,
    capacityRps: s.capacityRps,
    cacheBlocks: s.cacheBlocks,
    promptTokensDetails: s.promptTokensDetails,
    vllmVersion: s.vllmVersion,
    analysis: s.analysis,
    decoder: s.decoder,
    mmProcessorCacheGb: s.mmProcessorCacheGb,
    logger: log,
  });
  log.info(
    {
      url: sim.url,
      model: config.common.vllmModel,
      vllmVersion: s.vllmVersion,
      analysis: s.analysis,
      decoder: s.decoder,
      mmProcessorCacheGb: s.mmProcessorCacheGb,
      allowedMediaPath: s.allowedMediaPath ?? null,
    },
    'vllm-sim (a simulator of vLLM, not a safety model) listening',
  );
  return { stop: () => sim.close() };
}

runMain('vllm-sim', main);
