import { parseConfig } from '../../../functions/shared/src/config';
import { assignScenes, buildPublishArgs, cameraUrl, sceneHash, SCENES, type SceneDefinition } from '../src/index';
import { cameraPath, templatePort } from '../src/core/camera-map';

const opts = { width: 640, height: 360, fps: 25 };
const scene = SCENES.find((s) => s.name === 'person_fall')!;

describe('sceneHash (render cache key)', () => {
  it('is stable for the same definition and options, even for a structurally equal copy', () => {
    expect(sceneHash(scene, opts)).toBe(sceneHash(structuredClone<SceneDefinition>(scene), { ...opts }));
  });

  it('changes when the definition or the render options change', () => {
    const moved: SceneDefinition = {
      ...scene,
      entities: scene.entities.map((e) => (e.kind === 'zone' ? { ...e, x: e.x + 1 } : e)),
    };
    const h = sceneHash(scene, opts);
    expect(sceneHash(moved, opts)).not.toBe(h);
    expect(sceneHash({ ...scene, duration: 21 }, opts)).not.toBe(h);
    expect(sceneHash(scene, { ...opts, width: 1280, height: 720 })).not.toBe(h);
    expect(sceneHash(scene, { ...opts, fps: 30 })).not.toBe(h);
  });

  it('differs between scenes', () => {
    expect(new Set(SCENES.map((s) => sceneHash(s, opts))).size).toBe(SCENES.length);
  });
});

describe('camera → scene assignment', () => {
  it('camera N plays scene (N-1) mod K', () => {
    const a = assignScenes(10, SCENES);
    expect([...a.keys()]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(a.get(1)!.name).toBe(SCENES[0]!.name);
    expect(a.get(8)!.name).toBe(SCENES[0]!.name);
    expect(a.get(10)!.name).toBe(SCENES[2]!.name);
  });

  it('a mapping overrides single cameras by "N" or "camN"', () => {
    const a = assignScenes(3, SCENES, { cam1: 'fire', '3': 'safe' });
    expect([...a.values()].map((s) => s.name)).toEqual(['fire', SCENES[1]!.name, 'safe']);
  });

  it('rejects unknown scenes and bad keys, naming them', () => {
    expect(() => assignScenes(3, SCENES, { cam1: 'volcano' })).toThrow(/volcano/);
    expect(() => assignScenes(3, SCENES, { front: 'fire' })).toThrow(/front/);
  });
});

describe('URLs and publisher argv', () => {
  it('fills {N} and swaps the port when asked', () => {
    expect(cameraUrl('rtsp://127.0.0.1:8554/cam{N}', 4)).toBe('rtsp://127.0.0.1:8554/cam4');
    expect(cameraUrl('rtsp://127.0.0.1:8554/cam{N}', 4, 9999)).toBe('rtsp://127.0.0.1:9999/cam4');
    expect(cameraUrl('rtsp://sim/cam{N}', 2, 9999)).toBe('rtsp://sim:9999/cam2');
    expect(cameraPath('rtsp://127.0.0.1:8554/live/cam{N}', 3)).toBe('/live/cam3');
    expect(templatePort('rtsp://127.0.0.1:8554/cam{N}')).toBe(8554);
    expect(templatePort('rtsp://sim/cam{N}')).toBe(554);
  });

  it('publishes by stream copy, looping in real time, over UDP', () => {
    const args = buildPublishArgs('/c/safe.mp4', 'rtsp://127.0.0.1:5554/cam1');
    expect(args.join(' ')).toContain('-re -stream_loop -1 -i /c/safe.mp4');
    expect(args[args.indexOf('-c') + 1]).toBe('copy');
    expect(args[args.indexOf('-rtsp_transport') + 1]).toBe('udp');
    expect(args[args.length - 1]).toBe('rtsp://127.0.0.1:5554/cam1');
  });
});

describe('rtsp-sim config', () => {
  it('has documented defaults (docs/architecture.md §5 RTP range)', () => {
    const c = parseConfig({}).rtspSim;
    expect(c.publishPort).toBe(5554);
    expect(c.rtpPortStart).toBe(3000);
    expect(c.rtpPortCount).toBe(1998);
    expect(c.sceneSize).toEqual({ width: 1280, height: 720 });
    expect(c.sceneFps).toBe(25);
    expect(c.staggerMs).toBe(300);
    expect(c.sceneMapFile).toBeUndefined();
  });

  it.each([
    ['SCENE_SIZE', '1280*720'],
    ['SCENE_SIZE', '641x360'],
    ['RTSP_SIM_RTP_PORT_START', '3001'],
    ['RTSP_SIM_CONTROL_PORT', '70000'],
  ])('rejects %s=%s naming the variable', (name, value) => {
    expect(() => parseConfig({ [name]: value })).toThrow(new RegExp(name));
  });
});

describe('static_floor (issue #13)', () => {
  it('is safe, has no workers and nothing that moves, and plays only where mapped', () => {
    const s = SCENES.find((x) => x.name === 'static_floor')!;
    expect(s.hazard).toBeNull();
    expect(s.entities.some((e) => e.kind === 'worker' || e.kind === 'fire')).toBe(false);
    for (const e of s.entities) if ('track' in e) expect(e.track).toHaveLength(1);
    expect([...assignScenes(20, SCENES).values()].some((x) => x.name === 'static_floor')).toBe(false);
    expect(assignScenes(2, SCENES, { cam2: 'static_floor' }).get(2)!.name).toBe('static_floor');
  });
});
