export { startCapture } from './app/start-capture';
export type { CaptureDeps, CaptureHandle } from './app/start-capture';
export { createCaptureHandler } from './handler';
export { ClipIntake } from './app/intake';
export type { IntakeOptions, IntakeResult } from './app/intake';
export type { RecorderStatus, RecorderState } from './adapters/recorder/types';
export type { SweepResult } from './adapters/retention';
export type { CameraStatusRecord } from './adapters/camera-health';
