import type { Zone } from '../camera-registry/schema';
import { renderZonesPng, zonesHash } from './render';

/**
 * Zone overlay PNGs in memory, rendered once per distinct zone set (keyed by its content hash),
 * never per clip or frame. Bounded: old sets are dropped first.
 */
export class ZoneOverlayCache {
  private readonly pngs = new Map<string, Buffer>();

  constructor(private readonly max = 256) {}

  /** Undefined when there are no zones (nothing to composite). */
  pngFor(zones: readonly Zone[]): Buffer | undefined {
    if (zones.length === 0) return undefined;
    const hash = zonesHash(zones);
    let png = this.pngs.get(hash);
    if (!png) {
      png = renderZonesPng(zones);
      if (this.pngs.size >= this.max) this.pngs.delete(this.pngs.keys().next().value as string);
      this.pngs.set(hash, png);
    }
    return png;
  }
}
