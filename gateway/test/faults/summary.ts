import { appendFileSync } from 'node:fs';
import { inject } from 'vitest';
import { formatFigures, type FaultFigures } from './figures.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** NDJSON file the fault tests append their figures to (see global-setup.ts). */
    faultsSummaryFile: string;
  }
}

/** Prints the scenario's figures and keeps them for the table at the end of the run. */
export function reportFigures(figures: FaultFigures): void {
  console.log(`\n${formatFigures([figures])}\n`);
  let file: string | undefined;
  try {
    file = inject('faultsSummaryFile');
  } catch {
    file = undefined; // run without the faults project's global setup
  }
  if (file) appendFileSync(file, `${JSON.stringify(figures)}\n`);
}
