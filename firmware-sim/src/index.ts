export { runSimCommand, formatProgress, formatSummary } from './sim-command.ts';
export type { SimCommandIo } from './sim-command.ts';
export { parseSimArgs, SIM_USAGE } from './sim-args.ts';
export type { SimArgs } from './sim-args.ts';
export { startFleet, validateFleetOptions } from './fleet.ts';
export type { Fleet, FleetOptions, FleetStats } from './fleet.ts';
export { SimDevice, DEFAULT_FIRMWARE } from './device.ts';
export type { SimDeviceOptions, SimDeviceStats, SimReading } from './device.ts';
export { parseCommand, MIN_INTERVAL_MS, MAX_INTERVAL_MS } from './commands.ts';
export type { DeviceCommand } from './commands.ts';
export {
  signalValue,
  sampleDevice,
  createDeviceSignals,
  isGap,
  DEFAULT_GAP_RATE,
} from './signals.ts';
export type { SignalDevice, SignalOptions, SignalValues } from './signals.ts';
export { localTime } from './daily-profiles.ts';
export type { LocalTime } from './daily-profiles.ts';
export { createScheduler } from './scheduler.ts';
export type { Scheduler, ScheduledTask, SchedulerOptions } from './scheduler.ts';
export { runRecordCommand, runReplayCommand } from './record/record-commands.ts';
export { startRecorder } from './record/recorder.ts';
export type { Recorder, RecordOptions, RecordStats } from './record/recorder.ts';
export { replayRecording } from './record/replayer.ts';
export type { ReplayOptions, ReplaySummary } from './record/replayer.ts';
export { RecordingWriter, readRecording } from './record/recording-file.ts';
export type { RecordedMessage, RecordingHeader } from './record/format.ts';
export * from './scenarios/index.ts';
