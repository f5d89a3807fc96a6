/**
 * Seeded generators of malformed CloudEvents and clip jobs for the fuzz test. Every generated
 * case is invalid by construction (a required field removed or of the wrong JSON type, a broken
 * envelope, a wrong or unknown type, a body that is not JSON …), so the only right answers are a
 * 4xx or a dead letter with a reason.
 */
import { mulberry32, type Rng } from '../../functions/shared/src/prng';

export type { Rng };
/** Reproducible from the seed printed by the test. */
export const rng = mulberry32;

const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

export interface HttpCase {
  what: string;
  headers: Record<string, string>;
  body: string | Buffer;
}

function randomBytes(r: Rng, n: number): Buffer {
  return Buffer.from(Array.from({ length: n }, () => Math.floor(r() * 256)));
}

/** A value of a different JSON type than `v` (so a required field can never stay valid). */
function otherType(r: Rng, v: unknown): unknown {
  if (typeof v === 'string') return pick(r, [42, null, true, [v], { v }]);
  if (typeof v === 'number') return pick(r, ['42', null, [v], {}]);
  if (Array.isArray(v)) return pick(r, ['[]', 7, { 0: v[0] }, null]);
  if (v && typeof v === 'object') return pick(r, ['{}', 3, [v], null]);
  return 'x';
}

/** Breaks `valid` data for `type` so it fails the schema. `required` are keys the schema requires. */
function breakData(
  r: Rng,
  valid: Record<string, unknown>,
  required: readonly string[],
): { data: unknown; what: string } {
  const key = pick(r, required);
  const copy: Record<string, unknown> = { ...valid };
  switch (Math.floor(r() * 4)) {
    case 0:
      delete copy[key];
      return { data: copy, what: `data without ${key}` };
    case 1:
      copy[key] = otherType(r, valid[key]);
      return { data: copy, what: `data.${key} of the wrong type` };
    case 2:
      return { data: pick(r, [null, 17, 'text', [valid], true]), what: 'data not an object' };
    default:
      if (typeof valid.cameraId === 'string') {
        copy.cameraId = pick(r, ['../cam1', 'cam 1', 'x'.repeat(65), '', 'cam1;rm -rf /', 'カメラ']);
        return { data: copy, what: 'cameraId outside [A-Za-z0-9_-]{1,64}' };
      }
      delete copy[key];
      return { data: copy, what: `data without ${key}` };
  }
}

const binary = (type: string, id: string, extra: Record<string, string> = {}) => ({
  'content-type': 'application/json',
  'ce-specversion': '1.0',
  'ce-id': id,
  'ce-source': '/fuzz',
  'ce-type': type,
  ...extra,
});

/**
 * `count` malformed CloudEvents for a function that accepts `types` (each with a valid data
 * example and its required keys). `foreign` is a type the function does not accept.
 */
export function malformedEvents(
  r: Rng,
  count: number,
  types: { type: string; valid: Record<string, unknown>; required: readonly string[] }[],
  foreign: string,
): HttpCase[] {
  const out: HttpCase[] = [];
  for (let i = 0; i < count; i++) {
    const t = pick(r, types);
    const id = `fuzz-${i}-${Math.floor(r() * 1e9)}`;
    const kind = Math.floor(r() * 9);
    if (kind <= 2) {
      const { data, what } = breakData(r, t.valid, t.required);
      out.push({ what: `${t.type}: ${what}`, headers: binary(t.type, id), body: JSON.stringify(data) });
    } else if (kind === 3) {
      const { data, what } = breakData(r, t.valid, t.required);
      out.push({
        what: `structured ${t.type}: ${what}`,
        headers: { 'content-type': 'application/cloudevents+json' },
        body: JSON.stringify({
          specversion: '1.0',
          id,
          source: '/fuzz',
          type: t.type,
          datacontenttype: 'application/json',
          data,
        }),
      });
    } else if (kind === 4) {
      out.push({
        what: 'body is random bytes',
        headers: binary(t.type, id),
        body: randomBytes(r, 1 + Math.floor(r() * 300)),
      });
    } else if (kind === 5) {
      const h: Record<string, string> = binary(t.type, id);
      const drop = pick(r, ['ce-id', 'ce-type', 'ce-source', 'ce-specversion']);
      delete h[drop];
      out.push({ what: `binary mode without ${drop}`, headers: h, body: JSON.stringify(t.valid) });
    } else if (kind === 6) {
      out.push({
        what: `type not accepted here (${foreign})`,
        headers: binary(pick(r, [foreign, 'com.example.unknown', '']), id),
        body: JSON.stringify(t.valid),
      });
    } else if (kind === 7) {
      out.push({
        what: 'structured mode, envelope is not JSON',
        headers: { 'content-type': 'application/cloudevents+json' },
        body: `{"specversion":"1.0","id":"${id}",`,
      });
    } else {
      out.push({ what: 'empty body', headers: binary(t.type, id), body: '' });
    }
  }
  return out;
}
