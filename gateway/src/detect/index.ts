export { createSeriesDetector, type SeriesDetector, type SeriesState } from './series-detector.ts';
export {
  createDetectorStage,
  type DetectorStage,
  type DetectorStageOptions,
} from './detector-stage.ts';
export type { Finding, FindingKind, SeriesFinding } from './finding.ts';
export {
  DEFAULT_DETECTOR_OPTIONS,
  resolveDetectorOptions,
  type DetectorOptions,
} from './options.ts';
export { createCsvDetector, type CsvDetector } from './detect-csv.ts';
export { runDetectCommand } from './detect-command.ts';
