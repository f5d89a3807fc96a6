import type { Section } from './define';

/** Variables owned by capture. Declare each one here with envVar(); parseConfig picks them up. */
export const capture = {} satisfies Section;
