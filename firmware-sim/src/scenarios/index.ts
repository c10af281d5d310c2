export * from './format.ts';
export { parseScenario, resolveScenario, parseDuration, ScenarioError } from './parse.ts';
export { placeIncident, type PlacedIncident, type Effect } from './incidents.ts';
export {
  prepareScenario,
  loadScenario,
  scenarioSteps,
  formatLabels,
  writeLabels,
  type PreparedScenario,
  type ScenarioStep,
} from './scenario.ts';
export { generateScenario, type GenerateOptions } from './generate.ts';
