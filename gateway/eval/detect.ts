import { appendFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createDemoCity } from '@sensegrid/twin';
import { generateScenario, prepareScenario, resolveScenario } from '@sensegrid/firmware-sim';
import { scoreRun, type Scores } from './detect-match.ts';
import { formatScores } from './detect-report.ts';
import { runScenario } from './detect-run.ts';

// npm run eval:detect [-- --set tune|report --seeds 1,2 --sensors 600 --per-kind 4]
// Runs generated scenarios with labelled incidents through the real gateway and reports, per
// incident kind, precision, recall and median time to detection. Tuning used the `tune`
// seeds; the figures to quote come from the `report` seeds.
const SEED_SETS = { tune: [1, 2, 3], report: [101, 102, 103] };
const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const set = (args.get('set') ?? 'report') as keyof typeof SEED_SETS;
const seeds = args.has('seeds') ? args.get('seeds')!.split(',').map(Number) : SEED_SETS[set];
const sensors = Number(args.get('sensors') ?? 600);
const perKind = Number(args.get('per-kind') ?? 4);
const intervalMinutes = 5;
const warmupHours = 50;
const citySpec = { seed: 1, sensors };
const city = createDemoCity(citySpec);
const scores: Scores = new Map();
const load = () => `, load ${loadavg()[0]!.toFixed(1)}`;

console.log(
  `eval:detect: ${seeds.length} scenarios (seeds ${seeds.join(', ')}), ${sensors} sensors of demo city 1, ` +
    `readings every ${intervalMinutes} min, ${warmupHours} h warm-up, ${perKind} incidents per kind each`,
);
for (const seed of seeds) {
  const spec = generateScenario({
    seed,
    city,
    citySpec,
    start: '2026-11-02T00:00:00Z',
    warmupHours,
    perKind,
    intervalMinutes,
  });
  const prepared = prepareScenario(resolveScenario(spec, `seed ${seed}`), city);
  const run = await runScenario(prepared);
  scoreRun(
    scores,
    run.signals,
    prepared.labels,
    prepared.scenario.startMs + warmupHours * 3_600_000,
    {
      toleranceMs: 30 * 60_000,
      regionsOf: (device) => run.regions.get(device) ?? [],
    },
  );
  const dump = args.get('signals-out');
  if (dump) {
    for (const signal of run.signals)
      appendFileSync(dump, `${JSON.stringify({ seed, ...signal })}\n`);
    appendFileSync(
      `${dump}.labels`,
      prepared.labels.map((l) => `${JSON.stringify({ seed, ...l })}\n`).join(''),
    );
  }
  console.log(
    `  seed ${seed}: ${run.readings} readings, ${run.signals.length} signals, ${(run.wallMs / 1000).toFixed(1)} s${load()}`,
  );
}
console.log(formatScores(scores, intervalMinutes * 60));
