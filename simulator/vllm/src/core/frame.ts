/** One decoded video frame: packed 8-bit pixels, 3 (RGB) or 4 (RGBA, as jpeg-js returns) channels. */
export interface Frame {
  readonly width: number;
  readonly height: number;
  readonly channels: 3 | 4;
  readonly data: Uint8Array;
}

/** Makes a solid RGB frame (tests and synthetic inputs). */
export function solidFrame(width: number, height: number, rgb: readonly [number, number, number]): Frame {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) data.set(rgb, i * 3);
  return { width, height, channels: 3, data };
}

/** Paints an axis-aligned box (clipped to the frame) — the same primitive ffmpeg's drawbox uses. */
export function fillBox(
  frame: Frame,
  x: number,
  y: number,
  w: number,
  h: number,
  rgb: readonly [number, number, number],
): void {
  const x0 = Math.max(0, Math.round(x));
  const y0 = Math.max(0, Math.round(y));
  const x1 = Math.min(frame.width, Math.round(x + w));
  const y1 = Math.min(frame.height, Math.round(y + h));
  for (let yy = y0; yy < y1; yy++) {
    for (let xx = x0; xx < x1; xx++) {
      const o = (yy * frame.width + xx) * frame.channels;
      frame.data[o] = rgb[0];
      frame.data[o + 1] = rgb[1];
      frame.data[o + 2] = rgb[2];
    }
  }
}
