import type { Section } from './define';

/** Variables owned by vllm-sim. Declare each one here with envVar(); parseConfig picks them up. */
export const vllmSim = {} satisfies Section;
