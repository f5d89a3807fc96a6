import {
  applyCameraStatus,
  applyVerdict,
  emptyCameraState,
  type CameraState,
  type IncidentPolicy,
} from '../src/core/incidents';
import { alertEventId, planAlerts } from '../src/core/alerts';
import type { Hazard, HazardType, VerdictStatus } from '../../shared/src/verdict';
import { AlertSchema } from '../../shared/src/events';

const POLICY: IncidentPolicy = { confirmK: 2, confirmN: 3, resolveAfter: 2, cooldownMs: 60_000 };
const T0 = Date.parse('2026-11-28T20:00:00Z');

/** A step: a clip with these hazard types (or 'uncertain'), or a camera status change, at t seconds. */
type Step = { t: number; hazards: HazardType[] | 'uncertain' } | { t: number; camera: 'offline' | 'online' };

const hz = (type: HazardType): Hazard => ({ type, description: type, confidence: 0.9 });
const statusOf = (types: HazardType[]): VerdictStatus =>
  types.length === 0 ? 'safe' : types.some((t) => t === 'fire' || t === 'person_fall') ? 'danger' : 'warning';

/** Runs the steps and returns the transitions as "kind:type" strings per step. */
function run(steps: Step[], policy = POLICY): string[][] {
  let state: CameraState = emptyCameraState();
  return steps.map((s, i) => {
    const res =
      'camera' in s
        ? applyCameraStatus(state, { cameraId: 'cam1', status: s.camera, atMs: T0 + s.t * 1000 })
        : applyVerdict(
            state,
            {
              jobId: `cam1-${i}`,
              cameraId: 'cam1',
              nowMs: T0 + s.t * 1000,
              status: s.hazards === 'uncertain' ? 'uncertain' : statusOf(s.hazards),
              hazards: s.hazards === 'uncertain' ? [] : s.hazards.map(hz),
            },
            policy,
          );
    state = res.state;
    return res.transitions.map((t) => `${t.kind}:${t.incident.type}`);
  });
}

const clip = (t: number, ...hazards: HazardType[]): Step => ({ t, hazards });

describe('incident engine (pure)', () => {
  test.each<[string, Step[], string[][]]>([
    ['danger raises at once', [clip(0, 'fire')], [['raised:fire']]],
    ['warning needs k of n: one sighting is not enough', [clip(0, 'no_hard_hat'), clip(5)], [[], []]],
    [
      'warning confirmed by the 2nd of 3',
      [clip(0, 'no_hard_hat'), clip(5), clip(10, 'no_hard_hat')],
      [[], [], ['raised:no_hard_hat']],
    ],
    [
      'sightings outside the window of n do not confirm',
      [clip(0, 'no_hard_hat'), clip(5), clip(10), clip(15, 'no_hard_hat')],
      [[], [], [], []],
    ],
    [
      'dedup: an open incident gets updated, never a 2nd raise',
      [clip(0, 'fire'), clip(5, 'fire'), clip(10, 'fire')],
      [['raised:fire'], ['updated:fire'], ['updated:fire']],
    ],
    ['resolves after m clean clips', [clip(0, 'fire'), clip(5), clip(10)], [['raised:fire'], [], ['resolved:fire']]],
    [
      'a sighting resets the clean streak',
      [clip(0, 'fire'), clip(5), clip(10, 'fire'), clip(15), clip(20)],
      [['raised:fire'], [], ['updated:fire'], [], ['resolved:fire']],
    ],
    [
      'uncertain neither confirms nor clears',
      [clip(0, 'fire'), { t: 5, hazards: 'uncertain' }, clip(10), { t: 15, hazards: 'uncertain' }, clip(20)],
      [['raised:fire'], [], [], [], ['resolved:fire']],
    ],
    [
      'uncertain does not count towards k-of-n',
      [clip(0, 'no_hard_hat'), { t: 5, hazards: 'uncertain' }, clip(10), clip(15, 'no_hard_hat')],
      [[], [], [], ['raised:no_hard_hat']],
    ],
    [
      'cooldown: no new raise soon after a resolve',
      [clip(0, 'fire'), clip(5), clip(10), clip(20, 'fire')],
      [['raised:fire'], [], ['resolved:fire'], []],
    ],
    [
      'after the cooldown the hazard raises again',
      [clip(0, 'fire'), clip(5), clip(10), clip(71, 'fire')],
      [['raised:fire'], [], ['resolved:fire'], ['raised:fire']],
    ],
    [
      'keyed by (camera, type): two types, two incidents',
      [clip(0, 'fire', 'person_fall')],
      [['raised:fire', 'raised:person_fall']],
    ],
    [
      'one type resolving leaves the other open',
      [clip(0, 'fire', 'person_fall'), clip(5, 'fire'), clip(10, 'fire')],
      [['raised:fire', 'raised:person_fall'], ['updated:fire'], ['updated:fire', 'resolved:person_fall']],
    ],
    ['duplicate hazards of one type count once', [clip(0, 'no_hard_hat', 'no_hard_hat'), clip(5)], [[], []]],
    [
      'camera offline is an incident, resolved by online',
      [
        { t: 0, camera: 'offline' },
        { t: 30, camera: 'online' },
      ],
      [['raised:camera_offline'], ['resolved:camera_offline']],
    ],
    [
      'repeated offline events are deduplicated',
      [
        { t: 0, camera: 'offline' },
        { t: 10, camera: 'offline' },
      ],
      [['raised:camera_offline'], []],
    ],
    ['online without an open offline incident does nothing', [{ t: 0, camera: 'online' }], [[]]],
    [
      'clean clips do not resolve an offline incident',
      [{ t: 0, camera: 'offline' }, clip(5), clip(10), clip(15)],
      [['raised:camera_offline'], [], [], []],
    ],
  ])('%s', (_name, steps, expected) => {
    expect(run(steps)).toEqual(expected);
  });

  describe('a camera silent past unobservedResolveMs (issue #28.4: alerts resolved its incidents unobserved)', () => {
    const SILENT = { ...POLICY, unobservedResolveMs: 30_000 };
    test('its return closes the open incident as unobserved and a hazard still there raises a new one at once (no cooldown)', () => {
      expect(run([clip(0, 'fire'), clip(5, 'fire'), clip(40, 'fire')], SILENT)).toEqual([
        ['raised:fire'],
        ['updated:fire'],
        ['resolved:fire', 'raised:fire'],
      ]);
    });
    test('a shorter silence keeps the incident (updated)', () => {
      expect(run([clip(0, 'fire'), clip(29, 'fire')], SILENT)).toEqual([['raised:fire'], ['updated:fire']]);
    });
    test('uncertain verdicts count as heard from; camera_offline is left to camera events; off by default', () => {
      expect(run([clip(0, 'fire'), { t: 20, hazards: 'uncertain' }, clip(45, 'fire')], SILENT)).toEqual([
        ['raised:fire'],
        [],
        ['updated:fire'],
      ]);
      expect(run([{ t: 0, camera: 'offline' }, clip(100)], SILENT)).toEqual([['raised:camera_offline'], []]);
      expect(run([clip(0, 'fire'), clip(1000, 'fire')])).toEqual([['raised:fire'], ['updated:fire']]);
    });
    test('the resolve carries reason unobserved, status uncertain, the event id alerts uses, and resolvedAt = last verdict + the limit', () => {
      const first = applyVerdict(
        emptyCameraState(),
        { jobId: 'j0', cameraId: 'cam1', status: 'danger', hazards: [hz('fire')], nowMs: T0 },
        SILENT,
      );
      const back = applyVerdict(
        first.state,
        { jobId: 'j1', cameraId: 'cam1', status: 'safe', hazards: [], nowMs: T0 + 3_600_000 },
        SILENT,
      );
      const [resolved] = planAlerts(back.transitions, {
        status: 'safe',
        summary: 's',
        clipPath: 'cam1/b.mp4',
        capturedAt: new Date(T0).toISOString(),
        analyzedAt: new Date(T0 + 3_600_000).toISOString(),
        model: 'm',
      });
      expect(resolved?.id).toBe('j0-fire-resolved');
      expect(resolved?.data).toMatchObject({
        state: 'resolved',
        status: 'uncertain',
        reason: 'unobserved',
        resolvedAt: new Date(T0 + 30_000).toISOString(),
      });
      expect(AlertSchema.safeParse(resolved?.data).success).toBe(true);
    });
  });

  test('k = 1 raises a warning at its first sighting', () => {
    expect(run([clip(0, 'spill')], { ...POLICY, confirmK: 1 })).toEqual([['raised:spill']]);
  });

  test('updated counts clips; ids are deterministic; alerts satisfy AlertSchema', () => {
    let state = emptyCameraState();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = applyVerdict(
        state,
        { jobId: `cam1-${i}`, cameraId: 'cam1', status: 'danger', hazards: [hz('fire')], nowMs: T0 + i * 5000 },
        POLICY,
      );
      state = res.state;
      const alerts = planAlerts(res.transitions, {
        status: 'danger',
        summary: 's',
        clipPath: `cam1/${i}.mp4`,
        capturedAt: new Date(T0).toISOString(),
        analyzedAt: new Date(T0).toISOString(),
        model: 'm',
      });
      for (const a of alerts) expect(AlertSchema.safeParse(a.data).success).toBe(true);
      ids.push(...res.transitions.map(alertEventId));
    }
    expect(ids).toEqual(['cam1-0-fire-raised', 'cam1-0-fire-update-2', 'cam1-0-fire-update-3']);
    expect(state.incidents.fire?.clipCount).toBe(3);
  });

  test('does not mutate the state it was given', () => {
    const before = emptyCameraState();
    const frozen = JSON.stringify(before);
    applyVerdict(before, { jobId: 'j', cameraId: 'cam1', status: 'danger', hazards: [hz('fire')], nowMs: T0 }, POLICY);
    expect(JSON.stringify(before)).toBe(frozen);
  });
});
