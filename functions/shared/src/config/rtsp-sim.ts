import type { Section } from './define';

/** Variables owned by rtsp-sim. Declare each one here with envVar(); parseConfig picks them up. */
export const rtspSim = {} satisfies Section;
