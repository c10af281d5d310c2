export * from './metric-window.ts';
export * from './rollups.ts';
