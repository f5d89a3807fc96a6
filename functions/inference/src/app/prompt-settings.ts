import type { Config } from '../../../shared/src/config';
import { modelClipFps } from '../core/ffmpeg-args';
import type { PromptKitOptions } from '../core/prompt-kit';

/**
 * The prompt kit settings the configuration decides: the video input, the verdict language,
 * the model clip's frame rate, the model and its token budget. Inference, the doctor, the
 * evaluation and the load benchmark build their kits from it, so a request they send is the
 * one inference would send (the prefix hash included).
 */
export function promptSettings(
  config: Config,
): Pick<PromptKitOptions, 'mode' | 'language' | 'fps' | 'model' | 'maxTokens'> {
  const ic = config.inference;
  return {
    mode: ic.videoInput,
    language: ic.verdictLanguage,
    fps: modelClipFps(ic.videoSampling, ic.videoFps),
    model: config.common.vllmModel,
    maxTokens: ic.maxTokens,
  };
}
