/** A seeded random source in [0, 1): the same seed always gives the same sequence. */
export type Rng = () => number;

/**
 * mulberry32 (Tommy Ettinger's 32-bit generator): tiny, fast and reproducible from a printed seed.
 * Not for secrets. Used where a run must be repeatable: eval's synthetic set, the fuzz test's cases.
 */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
