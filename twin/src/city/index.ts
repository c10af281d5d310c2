export * from './model.ts';
export * from './grid-system.ts';
export * from './city-index.ts';
export * from './demo-city.ts';
export { sensorsPerKind } from './demo-sensors.ts';
export * from './city-import.ts';
