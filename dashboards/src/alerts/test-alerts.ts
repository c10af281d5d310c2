import type { AlertSummary } from './alert-types.ts';

/** An alert summary for tests, with `patch` applied. */
export function makeAlert(patch: Partial<AlertSummary> = {}): AlertSummary {
  return {
    id: 'inc-000001',
    state: 'discovered',
    severity: 'major',
    layer: 'water',
    kind: 'level_shift',
    title: 'Water pressure drop in Riverside',
    place: { system: 'operations', id: 'd1-s1-g1', name: 'Riverside grid 1' },
    regions: {
      operations: { id: 'd1-s1-g1', name: 'Riverside grid 1' },
      policing: { id: 'beat-007', name: 'Beat 7' },
    },
    department: 'water-utility',
    members: 3,
    devices: 2,
    findings: 3,
    openedAt: 1_764_400_000_000,
    updatedAt: 1_764_400_000_000,
    lastSignalAt: 1_764_400_000_000,
    clearSince: null,
    resolvedAt: null,
    slaDueAt: 1_764_400_900_000,
    overdue: false,
    escalated: 0,
    flaps: 0,
    ...patch,
  };
}
