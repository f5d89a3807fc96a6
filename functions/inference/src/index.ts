export { startInference } from './app/start-inference';
export type { InferenceDeps, InferenceHandle } from './app/start-inference';
export { loadFewShot } from './adapters/fewshot';
export { applyVerdict, applyCameraStatus, emptyCameraState } from './core/incidents';
export type { CameraState, Incident, IncidentPolicy, Transition } from './core/incidents';
export { buildPrefix, buildRequestBody, prefixHash, systemPrompt } from './core/prompt';
export type { FewShotExample } from './core/prompt';
