import type { Section } from './define';

/** Variables owned by inference. Declare each one here with envVar(); parseConfig picks them up. */
export const inference = {} satisfies Section;
