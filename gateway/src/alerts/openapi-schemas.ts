import { ALERT_SEVERITIES } from '@sensegrid/twin';
import { ALERT_STATES } from './model.ts';

/** JSON Schema building blocks for the OpenAPI document. */
export type Schema = Record<string, unknown>;

export const str = { type: 'string' };
export const num = { type: 'number' };
export const int = { type: 'integer' };
export const bool = { type: 'boolean' };
export const ms = { type: 'integer', description: 'epoch milliseconds' };
export const nullable = (schema: Schema) => ({ anyOf: [schema, { type: 'null' }] });
export const obj = (
  properties: Record<string, Schema>,
  required: string[] = Object.keys(properties),
) => ({
  type: 'object',
  properties,
  required,
});
export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** The alert API's shapes, as OpenAPI schemas. */
const place = obj({ system: str, id: str, name: str });
const region = obj({ id: str, name: str });
export const alertSummary = obj(
  {
    id: { type: 'string', example: 'inc-000123' },
    state: { type: 'string', enum: [...ALERT_STATES] },
    severity: { type: 'string', enum: [...ALERT_SEVERITIES] },
    layer: str,
    kind: { type: 'string', description: 'the dominant finding kind' },
    title: str,
    place,
    regions: {
      type: 'object',
      additionalProperties: region,
      description: 'grid system id to region',
    },
    center: obj({ lat: num, lon: num }),
    department: str,
    members: int,
    devices: int,
    findings: int,
    openedAt: ms,
    updatedAt: ms,
    lastSignalAt: ms,
    clearSince: nullable(ms),
    resolvedAt: nullable(ms),
    slaDueAt: nullable(ms),
    overdue: bool,
    escalated: int,
    flaps: int,
  },
  [
    'id',
    'state',
    'severity',
    'layer',
    'kind',
    'title',
    'place',
    'regions',
    'department',
    'members',
    'devices',
    'openedAt',
    'updatedAt',
    'lastSignalAt',
    'slaDueAt',
    'overdue',
    'escalated',
  ],
);
export const alertDetail = {
  allOf: [
    ref('AlertSummary'),
    obj(
      {
        brief: { type: 'string', description: 'multi-line incident brief' },
        actions: { type: 'array', items: str, description: 'actions the caller may take now' },
        memberList: {
          type: 'array',
          items: obj({
            device: nullable(str),
            region: nullable(str),
            metric: nullable(str),
            kind: str,
            count: int,
            score: num,
            firstTs: ms,
            lastTs: ms,
            explanation: str,
          }),
        },
        audit: {
          type: 'array',
          items: obj({
            at: ms,
            who: str,
            role: str,
            from: nullable(str),
            to: str,
            action: str,
            note: str,
          }),
        },
        evaluation: obj({
          dispatchMs: nullable(int),
          acceptMs: nullable(int),
          resolveMs: int,
          slaMet: bool,
          rating: nullable(int),
          comment: nullable(str),
        }),
      },
      ['brief', 'memberList', 'audit'],
    ),
  ],
};
export const evaluationGroup = obj(
  {
    key: str,
    department: str,
    layer: str,
    period: str,
    alerts: int,
    resolved: int,
    falseAlarms: int,
    falseAlarmRate: num,
    medianDispatchMs: nullable(num),
    medianAcceptMs: nullable(num),
    medianResolveMs: nullable(num),
    slaCompliance: nullable(num),
    ratingMean: nullable(num),
    ratings: int,
    ratingCounts: { type: 'array', items: int, minItems: 5, maxItems: 5 },
  },
  [
    'key',
    'alerts',
    'resolved',
    'falseAlarms',
    'falseAlarmRate',
    'slaCompliance',
    'ratingMean',
    'ratings',
  ],
);
