import { ALERT_SEVERITIES } from '@sensegrid/twin';
import { EVALUATION_GROUPINGS } from '../alerts/evaluation.ts';
import { ALERT_STATES, PERSON_ACTIONS } from '../alerts/model.ts';
import {
  alertDetail,
  alertSummary,
  evaluationGroup,
  int,
  ms,
  num,
  obj,
  ref,
  str,
  type Schema,
} from '../alerts/openapi-schemas.ts';

const json = (schema: Schema) => ({ content: { 'application/json': { schema } } });
const ok = (description: string, schema: Schema = { type: 'object' }) => ({
  200: { description, ...json(schema) },
});
const query = (name: string, description: string, schema: Schema = str, required = false) => ({
  name,
  in: 'query',
  required,
  description,
  schema,
});
const pathId = (what: string) => ({
  name: 'id',
  in: 'path',
  required: true,
  description: what,
  schema: str,
});
const time = (name: string) => query(name, 'epoch milliseconds or ISO 8601');
const errors = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((code) => [code, { description: ERROR_TEXT[code], ...json(ref('Error')) }]),
  );
const ERROR_TEXT: Record<number, string> = {
  400: 'bad parameters (SENSEGRID_BAD_REQUEST)',
  401: 'not signed in (SENSEGRID_UNAUTHENTICATED)',
  403: 'the role may not do this (SENSEGRID_FORBIDDEN)',
  404: 'no such thing (SENSEGRID_NOT_FOUND)',
  409: 'not allowed in the current state (SENSEGRID_INVALID_TRANSITION)',
};

const ACTION_BODIES: Record<string, Schema> = {
  dispatch: obj({ department: str, note: str }, []),
  evaluate: obj({ rating: { type: 'integer', minimum: 1, maximum: 5 }, comment: str }, ['rating']),
};

function alertActions(): Record<string, Schema> {
  const paths: Record<string, Schema> = {};
  for (const action of PERSON_ACTIONS) {
    paths[`/api/alerts/{id}/${action}`] = {
      post: {
        tags: ['alerts'],
        summary: `${action} an alert`,
        parameters: [pathId('alert id')],
        requestBody: { required: false, ...json(ACTION_BODIES[action] ?? obj({ note: str }, [])) },
        responses: {
          ...ok('the updated alert', ref('AlertDetail')),
          ...errors(400, 401, 403, 404, 409),
        },
      },
    };
  }
  return paths;
}

/** The OpenAPI 3 document of the HTTP API, served at `GET /api/openapi.json`. */
export function openApiDocument(version = '0.1.0'): Schema {
  const get = (tag: string, summary: string, extra: Schema = {}) => ({
    get: { tags: [tag], summary, responses: { ...ok(summary), ...errors(401) }, ...extra },
  });
  return {
    openapi: '3.0.3',
    info: { title: 'sensegrid gateway API', version },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Error: obj({ error: str, message: str }),
        AlertSummary: alertSummary,
        AlertDetail: alertDetail,
        EvaluationGroup: evaluationGroup,
      },
    },
    security: [{ bearer: [] }],
    paths: {
      '/api/health': {
        get: {
          tags: ['gateway'],
          summary: 'store, broker and WAL state',
          security: [],
          responses: ok(
            'ok or degraded',
            obj({ status: { type: 'string', enum: ['ok', 'degraded'] } }, ['status']),
          ),
        },
      },
      '/metrics': {
        get: {
          tags: ['gateway'],
          summary: 'Prometheus metrics',
          security: [],
          responses: {
            200: { description: 'text format', content: { 'text/plain': { schema: str } } },
          },
        },
      },
      '/api/login': {
        post: {
          tags: ['auth'],
          summary: 'sign in',
          security: [],
          requestBody: json(obj({ name: str, password: str })),
          responses: {
            ...ok('a bearer token', obj({ token: str, name: str, role: str, expiresAt: ms })),
            401: { description: 'wrong name or password' },
          },
        },
      },
      '/api/devices': get('devices', 'the registered devices, with placement and status'),
      '/api/devices/{id}': get('devices', 'one device', { parameters: [pathId('device id')] }),
      '/api/series': get('history', 'one metric of one device, downsampled', {
        parameters: [
          query('device', 'device id', str, true),
          query('metric', 'metric name', str, true),
          time('from'),
          time('to'),
          query('points', 'at most this many points (1..10000)', int),
        ],
        responses: {
          ...ok('points', obj({ points: { type: 'array', items: { type: 'array', items: num } } })),
          ...errors(400, 401),
        },
      }),
      '/api/findings': get('detection', 'recent findings of the streaming detectors', {
        parameters: [query('device', 'only this device'), query('limit', '1..1000', int)],
      }),
      '/api/regions': get('twin', 'regions with their rollups', {
        parameters: [
          query('system', 'grid system id'),
          query('level', 'hierarchy level'),
          query('parent', 'parent region id'),
        ],
      }),
      '/api/regions/{id}': get('twin', 'one region: rollups per layer, path, children', {
        parameters: [pathId('region id')],
      }),
      '/api/layers': get('twin', 'sensing layers with metrics, units and colour scales'),
      '/api/city': get('twin', 'the city geometry the console draws'),
      '/api/sensors': get('twin', 'the sensor table (column arrays)'),
      '/api/sensors/{id}': get(
        'twin',
        'one sensor: status, values, placement in every grid system',
        { parameters: [pathId('sensor id')] },
      ),
      '/api/twin/snapshot': get('twin', 'a binary snapshot frame of the live twin'),
      '/api/twin/at': get('history', 'the twin at a past time, from the minute aggregates', {
        parameters: [time('t')],
      }),
      '/api/twin/at/frame': get(
        'history',
        'the twin at a past time as a binary snapshot frame (what the console timeline loads)',
        { parameters: [time('t')] },
      ),
      '/api/history/regions/{id}': get('history', "a region's rollups per step over a range", {
        parameters: [
          pathId('region id'),
          query('system', 'grid system of the region'),
          query('layer', 'only this layer'),
          time('from'),
          time('to'),
          query('step', 'step length, e.g. 5m or 1h'),
        ],
      }),
      '/api/risks': get('risk', 'current risks over the regions', {
        parameters: [
          query('kind', 'only this kind of risk'),
          query('system', 'only this grid system'),
        ],
      }),
      '/api/security': get('security', "the traffic monitor's report with bans (operator and up)"),
      '/api/bans': get('security', 'bans in force (operator and up)'),
      '/api/bans/{address}': {
        delete: {
          tags: ['security'],
          summary: 'lift a ban (admin): an address, or client:<id>',
          parameters: [{ name: 'address', in: 'path', required: true, schema: str }],
          responses: { 204: { description: 'lifted' }, ...errors(401, 403, 404) },
        },
      },
      '/api/session': {
        get: {
          tags: ['auth'],
          summary: 'whether sign-in is required, and who the token belongs to',
          security: [],
          responses: ok('the session'),
        },
      },
      '/api/logout': {
        post: {
          tags: ['auth'],
          summary: 'end the token now',
          responses: { 204: { description: 'signed out' } },
        },
      },
      '/api/alerts': get('alerts', 'alerts, newest first', {
        parameters: [
          query('state', `comma list of ${[...ALERT_STATES, 'open'].join(', ')}`),
          query('severity', `comma list of ${ALERT_SEVERITIES.join(', ')}`),
          query('layer', 'layer id'),
          query('region', 'region id in any grid system'),
          query('limit', '1..1000 (default 100)', int),
          time('at'),
        ],
        responses: {
          ...ok('alerts', obj({ alerts: { type: 'array', items: ref('AlertSummary') } })),
          ...errors(400, 401),
        },
      }),
      '/api/alerts/{id}': get('alerts', 'one alert with brief, members, audit and evaluation', {
        parameters: [pathId('alert id')],
        responses: { ...ok('the alert', ref('AlertDetail')), ...errors(401, 404) },
      }),
      ...alertActions(),
      '/api/evaluation': get('alerts', 'evaluation of the alert loop per group', {
        parameters: [
          query('by', EVALUATION_GROUPINGS.join(', '), {
            type: 'string',
            enum: [...EVALUATION_GROUPINGS],
          }),
          time('from'),
          time('to'),
        ],
        responses: {
          ...ok(
            'groups',
            obj({ by: str, groups: { type: 'array', items: ref('EvaluationGroup') } }),
          ),
          ...errors(400, 401),
        },
      }),
      '/api/openapi.json': get('gateway', 'this document'),
    },
  };
}
