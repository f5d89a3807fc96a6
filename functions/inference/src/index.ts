export { startInference } from './service';
export type { InferenceDeps, InferenceHandle } from './service';
export { loadFewShot } from './adapters/fewshot';
export { applyVerdict, applyCameraStatus, emptyCameraState } from './core/incidents';
export type { CameraState, Incident, IncidentPolicy, Transition } from './core/incidents';
export { buildPrefix, buildRequestBody, prefixHash, systemPrompt } from './core/prompt';
export type { FewShotExample } from './core/prompt';
