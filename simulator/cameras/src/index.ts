/**
 * rtsp-sim — a SIMULATOR of industrial CCTV cameras for local runs, tests and benchmarks:
 * synthetic scenes drawn with ffmpeg lavfi, each with ground truth computed from the same data,
 * published over RTSP with a fault switch. Not real footage, not a safety model.
 */
export { SCENES, findScene } from './core/scenes';
export { groundTruthAt, computeGroundTruth, hazardsAt } from './core/ground-truth';
export { buildFilterGraph, buildRenderArgs, DEFAULT_RENDER_OPTIONS, RENDERER_VERSION } from './core/render-args';
export { syntheticClipArgs, type SyntheticClipOptions } from './core/synthetic-clip-args';
export { sceneHash, cacheBaseName } from './core/cache-key';
export { assignScenes, cameraUrl } from './core/camera-map';
export { buildPublishArgs } from './core/publish-args';
export { renderScene, renderAllScenes, DEFAULT_SCENES_DIR } from './adapters/render';
export { describeStatus } from './adapters/rtsp-probe';
export { startRtspSim } from './sim';

export type { SceneDefinition, Entity, WorkerEntity, ZoneEntity, FireEntity, ForkliftEntity } from './core/scene-model';
export type { GroundTruth, GroundTruthHazard } from './core/ground-truth';
export type { RenderOptions } from './core/render-args';
export type { RenderSceneOptions, RenderedScene } from './adapters/render';
export type { CameraStatus } from './adapters/control-http';
export type { RtspSimOptions, RtspSimHandle } from './sim';
