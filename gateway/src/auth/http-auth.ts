import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GUEST, type Auth } from './auth.ts';
import { ROLES, operatorOf, roleAtLeast, type Operator, type Role } from './roles.ts';

/** Routes anyone may call: liveness, metrics, and signing in. Everything else outside /api/ (the console's files) is open too. */
const OPEN_ROUTES = new Set([
  '/api/health',
  '/api/login',
  '/api/logout',
  '/api/session',
  '/api/openapi.json',
]);

const HOW_TO_SIGN_IN =
  'Sign in with POST /api/login {"name","password"} and send the token as "Authorization: Bearer <token>" (an admin creates users with `sensegrid users add <name> --role <role>`).';

/** 401: no valid token. */
export class Unauthenticated extends Error {
  readonly statusCode = 401;
  readonly code = 'SENSEGRID_UNAUTHENTICATED';
  constructor(problem: string) {
    super(`${problem} ${HOW_TO_SIGN_IN}`);
  }
}

/** 403: signed in, but the role may not do this. */
export class Forbidden extends Error {
  readonly statusCode = 403;
  readonly code = 'SENSEGRID_FORBIDDEN';
}

/**
 * The signed-in operator of a request with at least `minimum` role; throws 401 or 403
 * (`{ error, message }` through the API's error handler) otherwise.
 */
export function requireRole(request: FastifyRequest, minimum: Role): Operator {
  const operator = operatorOf(request);
  if (operator && roleAtLeast(operator.role, minimum)) return operator;
  const allowed = ROLES.slice(ROLES.indexOf(minimum)).join(', ');
  if (!operator || operator === GUEST) {
    throw new Unauthenticated(`this needs a signed-in user with one of the roles ${allowed}.`);
  }
  throw new Forbidden(
    `${operator.name} is a ${operator.role}; this needs one of: ${allowed}. Ask an admin for that role.`,
  );
}

/**
 * Sets `request.operator` from `Authorization: Bearer <token>` on every request, refuses
 * API routes without a signed-in user (viewer and up; guests are viewers with an open console)
 * and serves sign-in, sign-out and the session.
 */
export function registerAuth(app: FastifyInstance, auth: Auth): void {
  app.decorateRequest('operator', undefined);

  app.addHook('onRequest', async (request, reply) => {
    // The matched route, not the raw URL: `/%61pi/devices` routes to `/api/devices` too.
    const route = request.routeOptions.url ?? request.url.split('?', 1)[0]!;
    const open = !route.startsWith('/api/') || OPEN_ROUTES.has(route);
    const token = bearerToken(request);
    if (token === undefined) {
      if (auth.openConsole) setOperator(request, GUEST);
      else if (!open) return refuse(reply, 'this needs a signed-in user.');
      return;
    }
    const checked = auth.checkToken(token);
    if (checked.ok) setOperator(request, checked.operator);
    else if (!open) return refuse(reply, checked.reason);
  });

  app.post('/api/login', async (request, reply) => {
    const body = (request.body ?? {}) as { name?: unknown; password?: unknown };
    if (typeof body.name !== 'string' || typeof body.password !== 'string') {
      return reply.status(400).send({
        error: 'SENSEGRID_BAD_REQUEST',
        message: 'send JSON {"name": "<user>", "password": "<password>"}.',
      });
    }
    const result = await auth.login(body.name, body.password, request.ip);
    if (result.ok) {
      const { token, name, role, expiresAt } = result;
      return { token, name, role, expiresAt };
    }
    if (result.status === 429) {
      return reply
        .status(429)
        .header('Retry-After', '60')
        .send({
          error: 'SENSEGRID_LOGIN_THROTTLED',
          message: `${result.reason}. Wait a minute (an admin can check the user names).`,
        });
    }
    return reply.status(401).send({
      error: 'SENSEGRID_LOGIN_FAILED',
      message: `${result.reason} Check both; an admin can set a new password with \`sensegrid users passwd <name>\`.`,
    });
  });

  app.post('/api/logout', async (request, reply) => {
    const token = bearerToken(request);
    if (token !== undefined) auth.logout(token);
    return reply.status(204).send();
  });

  app.get('/api/session', async (request) => {
    const token = bearerToken(request);
    const checked = token === undefined ? undefined : auth.checkToken(token);
    return {
      signInRequired: !auth.openConsole,
      openConsole: auth.openConsole,
      tokenTtlMs: auth.tokenTtlMs,
      operator: checked?.ok ? { ...checked.operator, expiresAt: checked.expiresAt } : null,
      ...(checked && !checked.ok ? { problem: checked.reason } : {}),
    };
  });
}

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : '';
}

function setOperator(request: FastifyRequest, operator: Operator): void {
  (request as FastifyRequest & { operator?: Operator }).operator = operator;
}

function refuse(reply: FastifyReply, problem: string) {
  const error = new Unauthenticated(problem);
  return reply
    .status(401)
    .header('WWW-Authenticate', 'Bearer realm="sensegrid"')
    .send({ error: error.code, message: error.message });
}
