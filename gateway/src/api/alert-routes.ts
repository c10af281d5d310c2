import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ALERT_SEVERITIES } from '@sensegrid/twin';
import type { AlertLoop, PersonRequest } from '../alerts/alert-loop.ts';
import { EVALUATION_GROUPINGS, type EvaluationGrouping } from '../alerts/evaluation.ts';
import { ALERT_STATES, PERSON_ACTIONS, type PersonAction } from '../alerts/model.ts';
import { allowedActions } from '../alerts/transitions.ts';
import { GUEST } from '../auth/auth.ts';
import { operatorOf, type Operator } from '../auth/roles.ts';
import { BadRequest, parseTime } from './query.ts';

const SIGN_IN =
  'Sign in with POST /api/login {"name","password"} and send "Authorization: Bearer <token>".';
const MAX_NOTE = 2000;
const DEPARTMENT = /^[A-Za-z0-9_.:-]{1,64}$/;

/** The alert loop's routes: list, detail, workflow actions and evaluation. */
export async function registerAlertRoutes(app: FastifyInstance, loop: AlertLoop): Promise<void> {
  app.get('/api/alerts', async (request, reply) => {
    if (!signedIn(request, reply)) return reply;
    const q = request.query as Record<string, string | undefined>;
    return {
      alerts: loop.list({
        ...(q.state ? { states: listOf(q.state, 'state', [...ALERT_STATES, 'open']) } : {}),
        ...(q.severity ? { severities: listOf(q.severity, 'severity', ALERT_SEVERITIES) } : {}),
        ...(q.layer ? { layer: q.layer } : {}),
        ...(q.region ? { region: q.region } : {}),
        ...(q.at ? { at: parseTime(q.at, 'at') } : {}),
        limit: limitOf(q.limit),
      }),
    };
  });

  app.get('/api/alerts/:id', async (request, reply) => {
    const operator = signedIn(request, reply);
    if (!operator) return reply;
    const detail = loop.detail((request.params as { id: string }).id);
    if (!detail) return notFound(reply, (request.params as { id: string }).id);
    return { ...detail, actions: allowedActions(detail.state, operator.role) };
  });

  for (const action of PERSON_ACTIONS) {
    app.post(`/api/alerts/:id/${action}`, async (request, reply) => {
      // A guest of an open console may look, but acting needs a person with a name.
      const operator = signedIn(request, reply, { guest: false });
      if (!operator) return reply;
      const id = (request.params as { id: string }).id;
      const outcome = loop.act(id, { ...bodyOf(action, request.body), action, operator });
      if (outcome.ok)
        return { ...outcome.alert, actions: allowedActions(outcome.alert.state, operator.role) };
      if (outcome.refusal === 'not_found') return notFound(reply, id);
      const [status, code] =
        outcome.refusal === 'forbidden'
          ? [403, 'SENSEGRID_FORBIDDEN']
          : [409, 'SENSEGRID_INVALID_TRANSITION'];
      return reply.status(status).send({ error: code, message: outcome.message });
    });
  }

  app.get('/api/evaluation', async (request, reply) => {
    if (!signedIn(request, reply)) return reply;
    const q = request.query as Record<string, string | undefined>;
    const by = (q.by ?? 'department') as EvaluationGrouping;
    if (!EVALUATION_GROUPINGS.includes(by)) {
      throw new BadRequest(`"by" must be one of ${EVALUATION_GROUPINGS.join(', ')}`);
    }
    const from = parseTime(q.from, 'from');
    const to = parseTime(q.to, 'to');
    return {
      by,
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
      groups: loop.evaluation(by, from, to),
    };
  });
}

/** The signed-in operator, or undefined after answering 401. */
function signedIn(
  request: FastifyRequest,
  reply: FastifyReply,
  { guest = true }: { guest?: boolean } = {},
): Operator | undefined {
  const found = operatorOf(request);
  const operator = found === GUEST && !guest ? undefined : found;
  if (!operator) {
    void reply
      .status(401)
      .header('WWW-Authenticate', 'Bearer realm="sensegrid"')
      .send({
        error: 'SENSEGRID_UNAUTHENTICATED',
        message: `This needs a signed-in user. ${SIGN_IN}`,
      });
  }
  return operator;
}

function notFound(reply: FastifyReply, id: string) {
  return reply
    .status(404)
    .send({ error: 'SENSEGRID_NOT_FOUND', message: `no alert ${id}; GET /api/alerts lists them.` });
}

function listOf(value: string, name: string, allowed: readonly string[]): string[] {
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = items.filter((item) => !allowed.includes(item));
  if (bad.length > 0) {
    throw new BadRequest(
      `"${name}" must be a comma list of ${allowed.join(', ')}; not ${bad.join(', ')}`,
    );
  }
  return items;
}

function limitOf(value: string | undefined): number {
  if (value === undefined) return 100;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new BadRequest('"limit" must be a whole number from 1 to 1000');
  }
  return limit;
}

/** The optional fields of an action's JSON body, checked. */
function bodyOf(action: PersonAction, raw: unknown): Omit<PersonRequest, 'action' | 'operator'> {
  const body = (raw ?? {}) as Record<string, unknown>;
  if (typeof body !== 'object' || Array.isArray(body)) throw new BadRequest('send a JSON object');
  const text = (key: string) => {
    const value = body[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' || value.length > MAX_NOTE) {
      throw new BadRequest(`"${key}" must be text of at most ${MAX_NOTE} characters`);
    }
    return value;
  };
  const out: Omit<PersonRequest, 'action' | 'operator'> = {};
  const note = text('note');
  if (note !== undefined) out.note = note;
  if (action === 'dispatch' && body.department !== undefined) {
    if (typeof body.department !== 'string' || !DEPARTMENT.test(body.department)) {
      throw new BadRequest('"department" must be 1-64 letters, digits, _ . : -');
    }
    out.department = body.department;
  }
  if (action === 'evaluate') {
    if (
      !Number.isInteger(body.rating) ||
      (body.rating as number) < 1 ||
      (body.rating as number) > 5
    ) {
      throw new BadRequest('"rating" must be a whole number from 1 to 5');
    }
    out.rating = body.rating as number;
    const comment = text('comment');
    if (comment !== undefined) out.comment = comment;
  }
  return out;
}
