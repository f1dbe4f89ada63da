export * from './cache/index.ts';
