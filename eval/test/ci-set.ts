/**
 * The CI set: `npm run eval -- make-synthetic --out DIR --clips 20 --seed 1 --size 640x360 --fps 10`.
 * Small renders (the size the other tests already cache) keep the end-to-end test fast. The
 * committed baseline eval/baseline/ci-synthetic.json is a run of exactly this set.
 */
export const CI_SET = { clips: 20, seed: 1, render: { width: 640, height: 360, fps: 10 } } as const;
