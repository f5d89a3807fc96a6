export * from './schema';
export * from './cameras-file';
export * from './seed';
export * from './store';
