export * from './reading.ts';
export * from './layers.ts';
export * from './random.ts';
export * from './city.ts';
