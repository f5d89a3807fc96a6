export * from './overlay-style';
export * from './render';
export * from './filter';
export * from './png';
export * from './overlay-file';
export * from './overlay-cache';
