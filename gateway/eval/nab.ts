import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadNabCorpus } from '../src/detect/nab-corpus.ts';
import { evaluateNab, formatNabReport } from '../src/detect/nab-eval.ts';

// npm run eval:nab — scores the production detector on the NAB subset next to the repository.
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const dir = process.env.SENSEGRID_NAB_DIR ?? resolve(repoRoot, '../shared/data/nab');
const corpus = await loadNabCorpus(dir);
if (corpus === undefined || corpus.length === 0) {
  console.log(
    `eval:nab: no NAB data at ${dir}; nothing to score. Put the corpus there (CSV files and windows.json) or set SENSEGRID_NAB_DIR.`,
  );
} else {
  console.log(formatNabReport(evaluateNab(corpus)));
}
