import type { Counter } from 'prom-client';
import type { Logger } from 'pino';
import type { Reading } from '@sensegrid/twin';
import { createDetectorStage, type DetectorStage } from './detector-stage.ts';
import type { SeriesFinding } from './finding.ts';

export interface FindingsOptions {
  /** Counts findings by kind. */
  counter: Counter<'kind'>;
  log: Logger;
  /** Recent findings kept for the API. */
  keep?: number;
  /** Called for every finding (the alert loop subscribes here). */
  onFinding?: (finding: SeriesFinding) => void;
}

/**
 * The live detection of the gateway: the detector stage over every accepted reading, with the
 * latest findings kept for the API. Time comes from the readings, so a replay agrees.
 */
export interface Findings {
  push(readings: readonly Reading[]): void;
  /** Reports series gone silent, as of the newest reading time seen. */
  checkSilence(): void;
  /** Newest first, optionally of one device. */
  recent(filter?: { device?: string; limit?: number }): SeriesFinding[];
  readonly stage: DetectorStage;
}

export function createFindings(options: FindingsOptions): Findings {
  const keep = options.keep ?? 1000;
  const recent: SeriesFinding[] = [];
  let newestTs = -Infinity;
  const stage = createDetectorStage({
    onFinding(finding) {
      recent.push(finding);
      if (recent.length > keep * 2) recent.splice(0, recent.length - keep);
      options.counter.inc({ kind: finding.kind });
      options.log.info(
        {
          device: finding.device,
          metric: finding.metric,
          kind: finding.kind,
          score: finding.score,
        },
        finding.explanation,
      );
      options.onFinding?.(finding);
    },
  });
  return {
    stage,
    push(readings) {
      for (const reading of readings) {
        if (reading.ts > newestTs) newestTs = reading.ts;
        stage.push(reading);
      }
    },
    checkSilence() {
      if (Number.isFinite(newestTs)) stage.checkSilence(newestTs);
    },
    recent({ device, limit = 100 } = {}) {
      const out: SeriesFinding[] = [];
      for (let i = recent.length - 1; i >= 0 && out.length < limit; i--) {
        if (device === undefined || recent[i]!.device === device) out.push(recent[i]!);
      }
      return out;
    },
  };
}
