import { Gauge, type Registry } from 'prom-client';
import type { Coverage } from '../../../shared/src/coverage';
import type { CoverageStore } from '../../../shared/src/coverage-store';

/** The metric's window: the last hour. */
export const COVERAGE_METRIC_WINDOW_SECONDS = 3600;

/**
 * The newest this long is left out of a window: a clip is judged only after it ended and went
 * through the queue and the model (a segment plus seconds), so "now" always looks uncovered.
 */
export const COVERAGE_SETTLE_MS = 30_000;

/**
 * Coverage of every registered camera (issue #26.7, shared/src/coverage.ts): for `GET /api/coverage`,
 * the dashboard's camera tiles and `safetyhanta_camera_coverage_ratio{camera}` (the last hour, read
 * at scrape time).
 */
export class CameraCoverage {
  constructor(
    private readonly store: CoverageStore,
    private readonly cameraIds: () => Promise<string[]>,
  ) {}

  async all(
    windowSeconds: number,
    now = Date.now(),
  ): Promise<{ from: number; to: number; cameras: Record<string, Coverage> }> {
    const to = now - COVERAGE_SETTLE_MS;
    const from = to - windowSeconds * 1000;
    const ids = await this.cameraIds();
    const cameras: Record<string, Coverage> = {};
    for (const id of ids) cameras[id] = await this.store.coverage(id, from, to);
    return { from, to, cameras };
  }

  register(registry: Registry): void {
    const all = (windowSeconds: number) => this.all(windowSeconds);
    new Gauge({
      name: 'safetyhanta_camera_coverage_ratio',
      help: `Seconds of video judged ÷ seconds elapsed per camera, the last ${COVERAGE_METRIC_WINDOW_SECONDS} s (issue #26.7)`,
      labelNames: ['camera'],
      registers: [registry],
      async collect() {
        this.reset();
        const { cameras } = await all(COVERAGE_METRIC_WINDOW_SECONDS);
        for (const [camera, c] of Object.entries(cameras)) this.set({ camera }, Number(c.ratio.toFixed(4)));
      },
    });
  }
}
