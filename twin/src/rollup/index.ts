export * from './counts.ts';
export * from './metric-window.ts';
export * from './rollups.ts';
