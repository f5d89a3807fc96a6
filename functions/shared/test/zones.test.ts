import { inflateSync } from 'node:zlib';
import { parseCameraEntry, patchCameraEntry, CameraEntryError, type Zone } from '../src/camera-registry/schema';
import { seedEntries } from '../src/camera-registry/seed';
import { encodePng } from '../src/zones/png';
import { OVERLAY_HEIGHT, OVERLAY_WIDTH, renderZonesPng, renderZonesRgba, zonesHash } from '../src/zones/render';
import { zoneOverlayFilter } from '../src/zones/filter';
import { KIND_RGB, zoneLabel } from '../src/zones/overlay-style';
import { ZoneOverlayCache } from '../src/zones/overlay-cache';

const square: Zone = {
  name: 'Press',
  kind: 'restricted',
  polygon: [
    [0.25, 0.25],
    [0.75, 0.25],
    [0.75, 0.75],
    [0.25, 0.75],
  ],
};
const entry = { id: 'cam1', url: 'rtsp://127.0.0.1:8554/cam1' };

/** Decodes our own PNG (filter 0 rows only) back to RGBA, to check what the encoder wrote. */
function decodePng(png: Buffer): { w: number; h: number; px: Buffer } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let pos = 8;
  let w = 0;
  let h = 0;
  const idat: Buffer[] = [];
  while (pos < png.length) {
    const len = png.readUInt32BE(pos);
    const type = png.toString('ascii', pos + 4, pos + 8);
    const data = png.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') [w, h] = [data.readUInt32BE(0), data.readUInt32BE(4)];
    if (type === 'IDAT') idat.push(data);
    pos += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const px = Buffer.alloc(w * h * 4);
  for (let y = 0; y < h; y++) {
    expect(raw[y * (w * 4 + 1)]).toBe(0);
    raw.copy(px, y * w * 4, y * (w * 4 + 1) + 1, (y + 1) * (w * 4 + 1));
  }
  return { w, h, px };
}

describe('camera registry entries', () => {
  it('fills defaults and keeps normalised zones', () => {
    const e = parseCameraEntry({ ...entry, zones: [square] });
    expect(e).toMatchObject({ enabled: true, requiredPpe: [], zones: [square], markings: [] });
  });

  it.each([
    [{ ...entry, url: 'http://x' }, 'url'],
    [
      {
        ...entry,
        zones: [
          {
            ...square,
            polygon: [
              [0, 0],
              [1, 0],
              [0.5, 1.2],
            ],
          },
        ],
      },
      'zones.0.polygon.2.1',
    ],
    [{ ...entry, zones: [{ ...square, kind: 'lava' }] }, 'zones.0.kind'],
    [
      {
        ...entry,
        zones: [
          {
            ...square,
            polygon: [
              [0, 0],
              [1, 1],
            ],
          },
        ],
      },
      'zones.0.polygon',
    ],
    [{ ...entry, zones: [square, square] }, 'zones'],
    [{ ...entry, enabled: 'yes' }, 'enabled'],
    [{ ...entry, colour: 'red' }, ''],
  ])('names the bad field of %j', (body, field) => {
    try {
      parseCameraEntry(body);
      throw new Error('accepted');
    } catch (err) {
      expect(err).toBeInstanceOf(CameraEntryError);
      expect((err as CameraEntryError).field).toBe(field);
    }
  });

  it('PATCH replaces top-level fields and refuses an id change', () => {
    const cur = parseCameraEntry({ ...entry, zones: [square] });
    expect(patchCameraEntry(cur, { enabled: false })).toMatchObject({ enabled: false, zones: [square] });
    expect(patchCameraEntry(cur, { zones: [] }).zones).toEqual([]);
    expect(() => patchCameraEntry(cur, { id: 'cam2' })).toThrow(/id: cannot change/);
    expect(() => patchCameraEntry(cur, [1])).toThrow(CameraEntryError);
  });

  it('seeds today’s configuration: ids, URLs from the template, file contexts as markings', () => {
    const seeded = seedEntries({
      numStreams: 2,
      rtspUrlTemplate: 'rtsp://h:8554/cam{N}',
      camerasFile: { cameras: { cam2: { site: 'dock', zones: ['yellow line: keep out'] } } },
    });
    expect(seeded.map((e) => [e.id, e.url])).toEqual([
      ['cam1', 'rtsp://h:8554/cam1'],
      ['cam2', 'rtsp://h:8554/cam2'],
    ]);
    expect(seeded[1]).toMatchObject({ site: 'dock', markings: ['yellow line: keep out'], zones: [] });
    for (const e of seeded) expect(parseCameraEntry(e)).toEqual(e);
  });
});

describe('zone overlay rendering (pure)', () => {
  const at = (px: Uint8Array, x: number, y: number) =>
    Array.from(px.subarray((y * OVERLAY_WIDTH + x) * 4, (y * OVERLAY_WIDTH + x) * 4 + 4));

  it('fills the polygon semi-transparently in the kind colour and leaves the rest transparent', () => {
    const px = renderZonesRgba([square]);
    const [r, g, b] = KIND_RGB.restricted;
    const inside = at(px, OVERLAY_WIDTH / 2, OVERLAY_HEIGHT / 2);
    expect(inside.slice(0, 3)).toEqual([r, g, b]);
    expect(inside[3]).toBeGreaterThan(40);
    expect(inside[3]).toBeLessThan(160);
    expect(at(px, 10, OVERLAY_HEIGHT - 10)[3]).toBe(0);
    // the outline is more opaque than the fill
    expect(at(px, OVERLAY_WIDTH * 0.75, OVERLAY_HEIGHT / 2)[3]).toBeGreaterThan(200);
    // a label box with white text sits just above the top-left vertex
    const labelRow = Math.round(OVERLAY_HEIGHT * 0.25) - 9;
    const row = Array.from({ length: 80 }, (_, i) => at(px, OVERLAY_WIDTH / 4 + i, labelRow));
    expect(row.some((p) => p[0] === 255 && p[1] === 255 && p[2] === 255 && p[3] === 255)).toBe(true);
  });

  it('encodes a valid RGBA PNG of the same pixels', () => {
    const png = renderZonesPng([square]);
    const { w, h, px } = decodePng(png);
    expect([w, h]).toEqual([OVERLAY_WIDTH, OVERLAY_HEIGHT]);
    expect(px.equals(Buffer.from(renderZonesRgba([square])))).toBe(true);
    expect(() => encodePng(2, 2, new Uint8Array(3))).toThrow(/expected 16 bytes/);
  });

  it('labels: the name in the font’s alphabet, or the kind’s tag for a name it cannot draw', () => {
    expect(zoneLabel({ name: 'Press area 2', kind: 'restricted' })).toBe('PRESS AREA 2');
    expect(zoneLabel({ name: '프레스 구역', kind: 'restricted' })).toBe('NO ENTRY');
    expect(zoneLabel({ name: '통로', kind: 'forklift_lane' })).toBe('FORKLIFT');
  });

  it('renders once per distinct zone set', () => {
    const cache = new ZoneOverlayCache();
    expect(cache.pngFor([])).toBeUndefined();
    const a = cache.pngFor([square]);
    expect(cache.pngFor([{ ...square }])).toBe(a);
    expect(cache.pngFor([{ ...square, kind: 'walkway' }])).not.toBe(a);
    expect(zonesHash([square])).not.toBe(zonesHash([{ ...square, name: 'Other' }]));
  });

  it('composites with scale2ref + overlay, labels as given', () => {
    expect(zoneOverlayFilter('v', '1:v', 'vz')).toBe(
      '[1:v][v]scale2ref=w=iw:h=ih[zones][v_ref];[v_ref][zones]overlay=format=auto[vz]',
    );
  });
});
