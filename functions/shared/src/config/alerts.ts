import type { Section } from './define';

/** Variables owned by alerts. Declare each one here with envVar(); parseConfig picks them up. */
export const alerts = {} satisfies Section;
