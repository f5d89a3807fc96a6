import { parseCameraEntry } from '../../shared/src/camera-registry/schema';
import { seedEntries } from '../../shared/src/camera-registry/seed';
import { computeGroundTruth } from '../../../simulator/cameras/src/core/ground-truth';
import { findScene } from '../../../simulator/cameras/src/core/scenes';
import {
  contextFor,
  contextOfEntry,
  describeZone,
  renderContext,
  DEFAULT_CAMERA_CONTEXT,
} from '../src/core/camera-context';
import { drawnZones, parseExampleName } from '../../../tools/fewshot/fewshot-zones';

const press = {
  name: 'Press',
  kind: 'restricted' as const,
  polygon: [
    [0.1, 0.1],
    [0.5, 0.1],
    [0.5, 0.5],
  ] as [number, number][],
};

describe('camera context from the registry', () => {
  it('a seeded entry prompts exactly as the CAMERAS_FILE context did (unchanged configuration, unchanged prefix)', () => {
    const file = { cameras: { cam2: { site: 'dock', zones: ['yellow line: keep out'] } } };
    for (const e of seedEntries({ numStreams: 3, rtspUrlTemplate: 'rtsp://h/cam{N}', camerasFile: file })) {
      for (const lang of ['ko', 'en'] as const)
        expect(renderContext(e.id, contextOfEntry(e, lang))).toBe(renderContext(e.id, contextFor(e.id, file)));
    }
  });

  it('names each drawn zone, how it is drawn and its rule, in both languages', () => {
    expect(describeZone(press, 'en')).toBe(
      '"Press" (drawn on the frames as a red tinted polygon labelled "PRESS"): restricted zone, no entry: any person inside it is restricted_zone_intrusion',
    );
    expect(describeZone(press, 'ko')).toBe(
      '"Press" (화면에 빨간색 반투명 다각형과 "PRESS" 라벨로 표시됨): 출입 금지 구역: 안에 사람이 있으면 restricted_zone_intrusion',
    );
    expect(describeZone({ ...press, name: '지게차 통로', kind: 'forklift_lane' }, 'en')).toContain(
      'orange tinted polygon labelled "FORKLIFT"',
    );
    const e = parseCameraEntry({
      id: 'cam1',
      url: 'rtsp://h/1',
      area: 'bay 2',
      context: 'forklifts reverse here',
      markings: ['yellow line'],
      zones: [press],
    });
    const text = renderContext('cam1', contextOfEntry(e, 'en'));
    expect(text).toContain('Site: industrial plant floor — bay 2');
    expect(text).toContain(`Zones: ${describeZone(press, 'en')}; yellow line`);
    expect(text).toContain('Notes: forklifts reverse here');
  });

  it('the drawn-zone few-shot example: the scene’s ground-truth zone, drawn and named', () => {
    expect(parseExampleName('restricted_zone_intrusion+zones')).toEqual({
      scene: 'restricted_zone_intrusion',
      drawZones: true,
    });
    expect(parseExampleName('fire')).toEqual({ scene: 'fire', drawZones: false });
    const gt = computeGroundTruth(findScene('restricted_zone_intrusion')!, { width: 640, height: 360, fps: 25 });
    expect(gt.zones).toEqual([
      {
        name: 'Red zone',
        kind: 'restricted',
        polygon: [
          [0.7031, 0.5278],
          [0.9375, 0.5278],
          [0.9375, 0.8889],
          [0.7031, 0.8889],
        ],
      },
    ]);
    const { overlayPng, context } = drawnZones(gt);
    expect(overlayPng.subarray(1, 4).toString()).toBe('PNG');
    expect(context).toEqual({ ...DEFAULT_CAMERA_CONTEXT, zones: [describeZone(gt.zones![0]!, 'en')] });
    expect(() => drawnZones({ ...gt, zones: [] })).toThrow(/no zones/);
  });
});
