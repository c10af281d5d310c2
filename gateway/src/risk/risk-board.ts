import type { RiskTuning } from './tuning.ts';
import type { Risk } from './types.ts';

/**
 * The current risks, one per kind, region, layer and series: a risk is raised when new,
 * again when its score grows by a tenth or `repeatAfterMs` has passed, and stays current for
 * `currentForMs` after its latest evidence.
 */
export interface RiskBoard {
  raise(risk: Risk): void;
  current(): Risk[];
}

interface Held {
  risk: Risk;
  raisedAtMs: number;
  raisedScore: number;
}

export function createRiskBoard(
  tuning: RiskTuning,
  onRisk: ((risk: Risk) => void) | undefined,
): RiskBoard {
  const held = new Map<string, Held>();
  let newestMs = -Infinity;

  function prune(): void {
    for (const [key, entry] of held) {
      if (newestMs - entry.risk.tsMs > tuning.currentForMs) held.delete(key);
    }
  }

  return {
    raise(risk) {
      if (risk.tsMs > newestMs) newestMs = risk.tsMs;
      const key = [
        risk.kind,
        risk.region.system,
        risk.region.id,
        risk.layer,
        risk.device ?? '',
        risk.metric ?? '',
      ].join('\u0000');
      const before = held.get(key);
      const fresh =
        !before ||
        risk.score >= before.raisedScore + 0.1 ||
        risk.tsMs - before.raisedAtMs >= tuning.repeatAfterMs;
      held.set(
        key,
        fresh
          ? { risk, raisedAtMs: risk.tsMs, raisedScore: risk.score }
          : { ...before, risk: risk.score >= before.risk.score ? risk : before.risk },
      );
      if (held.size > 10_000) prune();
      if (fresh) onRisk?.(risk);
    },
    current() {
      prune();
      return [...held.values()]
        .map((entry) => entry.risk)
        .sort((a, b) => b.score - a.score || b.tsMs - a.tsMs);
    },
  };
}
