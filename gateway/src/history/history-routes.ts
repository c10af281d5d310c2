import type { FastifyInstance } from 'fastify';
import { BadRequest, parseTime } from '../api/query.ts';
import { MINUTE_MS } from '../store/history-port.ts';
import type { LiveTwin } from '../twin-state/live-twin.ts';
import type { History } from './history.ts';
import { regionHistory, twinAt, type TwinAt } from './time-travel.ts';

export interface HistoryRoutesDeps {
  history: History;
  twin: LiveTwin;
  /** Alerts open at time `t` (epoch ms); `/api/twin/at` answers `alerts: null` without it. */
  openAlertsAt?(t: number): Promise<unknown[]>;
}

/** Most steps one region history answer may have. */
export const MAX_HISTORY_STEPS = 20_000;

function parseStep(value: string | undefined): number {
  if (value === undefined || value === '') return MINUTE_MS;
  const stepMs = Number(value);
  if (!Number.isInteger(stepMs) || stepMs < MINUTE_MS || stepMs % MINUTE_MS !== 0) {
    throw new BadRequest(
      '"step" must be a whole number of minutes in milliseconds (60000, 300000...)',
    );
  }
  return stepMs;
}

/**
 * History for time travel: a region's rollups per step, and the whole twin at a past time,
 * both read from the store's minute aggregates.
 */
export async function registerHistoryRoutes(
  app: FastifyInstance,
  deps: HistoryRoutesDeps,
): Promise<void> {
  const { history, twin } = deps;

  app.get('/api/history/regions/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    const query = request.query as Record<string, string | undefined>;
    const region = twin.state.regions.get(id);
    if (!region) {
      return reply
        .status(404)
        .send({ error: 'SENSEGRID_NOT_FOUND', message: `no such region: ${id}` });
    }
    if (query.system && region.system && region.system !== query.system) {
      throw new BadRequest(
        `region ${id} belongs to the grid system "${region.system}", not "${query.system}"`,
      );
    }
    const to = parseTime(query.to, 'to') ?? Date.now();
    const from = parseTime(query.from, 'from') ?? to - 24 * 3600_000;
    if (from > to) throw new BadRequest('"from" must not be after "to"');
    const stepMs = parseStep(query.step);
    if ((to - from) / stepMs > MAX_HISTORY_STEPS) {
      throw new BadRequest(`that is more than ${MAX_HISTORY_STEPS} steps: choose a longer "step"`);
    }
    const layer = query.layer || undefined;
    const steps = await regionHistory(history.aggregates, { region: id, layer, from, to, stepMs });
    return {
      region: id,
      ...(region.system ? { system: region.system } : {}),
      layer: layer ?? null,
      from,
      to,
      stepMs,
      steps,
    };
  });

  app.get('/api/twin/at', async (request) => {
    const query = request.query as Record<string, string | undefined>;
    const t = parseTime(query.t, 't');
    if (t === undefined)
      throw new BadRequest('"t" is required: /api/twin/at?t=<epoch ms or ISO 8601>');
    return twinAtFor(deps, t);
  });
}

/** The twin at `t` from the history the routes serve (every sensor the live twin knows). */
export function twinAtFor(deps: HistoryRoutesDeps, t: number): Promise<TwinAt> {
  const { history, twin } = deps;
  return twinAt(
    {
      aggregates: history.aggregates,
      placementOf: history.placementOf,
      sensorIds: () => twin.state.sensors.sensors.map((sensor) => sensor.id),
      ...(deps.openAlertsAt ? { openAlertsAt: deps.openAlertsAt } : {}),
    },
    t,
  );
}
