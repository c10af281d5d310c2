import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FILTERS,
  countBySeverity,
  filterAlerts,
  filtersToQuery,
  matchesFilters,
  newerAlert,
} from './alert-filters.ts';
import { makeAlert } from './test-alerts.ts';

describe('alert filters', () => {
  it('lets every state before resolved through "open", and no other', () => {
    const states = [
      'discovered',
      'dispatched',
      'in_progress',
      'resolved',
      'evaluated',
      'cancelled',
    ];
    const open = states.filter((state) =>
      matchesFilters(makeAlert({ state: state as never }), DEFAULT_FILTERS),
    );
    expect(open).toEqual(['discovered', 'dispatched', 'in_progress']);
  });

  it('matches one state, "all", the layer and the severity exactly', () => {
    const alert = makeAlert({ state: 'resolved', layer: 'water', severity: 'minor' });
    expect(matchesFilters(alert, { ...DEFAULT_FILTERS, state: 'resolved' })).toBe(true);
    expect(matchesFilters(alert, { ...DEFAULT_FILTERS, state: 'evaluated' })).toBe(false);
    expect(matchesFilters(alert, { ...DEFAULT_FILTERS, state: 'all' })).toBe(true);
    expect(matchesFilters(alert, { ...DEFAULT_FILTERS, state: 'all', layer: 'air' })).toBe(false);
    expect(matchesFilters(alert, { ...DEFAULT_FILTERS, state: 'all', severity: 'major' })).toBe(
      false,
    );
  });

  it('finds the region text in the place of any grid system, ignoring case', () => {
    const alert = makeAlert();
    const byText = (region: string) => matchesFilters(alert, { ...DEFAULT_FILTERS, region });
    expect(byText('riverside')).toBe(true);
    expect(byText('BEAT 7')).toBe(true);
    expect(byText('beat-007')).toBe(true);
    expect(byText('Harbour')).toBe(false);
  });

  it('orders newest first, and counts by severity worst first', () => {
    const alerts = [
      makeAlert({ id: 'inc-1', openedAt: 1, severity: 'warning' }),
      makeAlert({ id: 'inc-3', openedAt: 3, severity: 'critical' }),
      makeAlert({ id: 'inc-2', openedAt: 2, severity: 'warning' }),
    ];
    const shown = filterAlerts(alerts, DEFAULT_FILTERS);
    expect(shown.map((a) => a.id)).toEqual(['inc-3', 'inc-2', 'inc-1']);
    expect(countBySeverity(shown)).toEqual([1, 0, 0, 2]);
  });

  it('asks the API for state, layer and severity, and leaves the region text to the console', () => {
    const query = filtersToQuery(
      { state: 'open', layer: 'water', severity: 'critical', region: 'Riverside' },
      500,
    );
    expect(Object.fromEntries(new URLSearchParams(query))).toEqual({
      state: 'open',
      layer: 'water',
      severity: 'critical',
      limit: '500',
    });
    expect(filtersToQuery({ ...DEFAULT_FILTERS, state: 'all' }, 10)).toBe('limit=10');
    expect(filtersToQuery({ ...DEFAULT_FILTERS, state: 'all' }, 10, 1_764_400_000_000.4)).toBe(
      'at=1764400000000&limit=10',
    );
  });

  it('keeps the newer version when a stale message arrives after a fetch', () => {
    const fetched = makeAlert({ state: 'dispatched', updatedAt: 20 });
    const late = makeAlert({ state: 'discovered', updatedAt: 10 });
    expect(newerAlert(fetched, late)).toBe(fetched);
    expect(newerAlert(late, fetched)).toBe(fetched);
    expect(newerAlert(undefined, late)).toBe(late);
  });
});
