import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ROLES, operatorOf, type Role } from '../auth/roles.ts';
import type { Ban, ConnectionGuard } from '../guard/connection-guard.ts';
import type { TrafficMonitor } from '../guard/traffic-monitor.ts';

export interface SecurityDeps {
  traffic: TrafficMonitor;
  /** The connection guard whose bans are listed and lifted. */
  connectionGuard?: ConnectionGuard;
}

/** 403: the signed-in person's role may not do this. */
class Forbidden extends Error {
  readonly statusCode = 403;
  readonly code = 'SENSEGRID_FORBIDDEN';
}

class NotFound extends Error {
  readonly statusCode = 404;
  readonly code = 'SENSEGRID_NOT_FOUND';
}

/**
 * Security data is for operators and up; lifting bans for admins. A request without an
 * operator comes from a gateway without sign-in, where every route is open.
 */
function allow(request: FastifyRequest, minimum: Role): void {
  const operator = operatorOf(request);
  if (!operator || ROLES.indexOf(operator.role) >= ROLES.indexOf(minimum)) return;
  const roles = ROLES.slice(ROLES.indexOf(minimum)).join(', ');
  throw new Forbidden(
    `${operator.name} is a ${operator.role}; this needs one of: ${roles}. Ask an admin for that role.`,
  );
}

export interface BanView {
  key: string;
  type: 'address' | 'client';
  id: string;
  reason: string;
  until: number;
}

function viewOf(ban: Ban): BanView {
  const colon = ban.key.indexOf(':');
  return {
    key: ban.key,
    type: ban.key.startsWith('client:') ? 'client' : 'address',
    id: ban.key.slice(colon + 1),
    reason: ban.reason,
    until: ban.until,
  };
}

/** `GET /api/security`, `GET /api/bans`, `DELETE /api/bans/:address`. */
export async function registerSecurityRoutes(
  app: FastifyInstance,
  deps: SecurityDeps,
): Promise<void> {
  const bans = () => deps.connectionGuard?.bans().map(viewOf) ?? [];

  app.get('/api/security', async (request) => {
    allow(request, 'operator');
    const report = deps.traffic.report(Date.now());
    const banned = new Map(bans().map((ban) => [ban.key, ban]));
    return {
      ...report,
      devices: report.devices.map((d) => ({ ...d, ban: banned.get(`client:${d.id}`) })),
      addresses: report.addresses.map((a) => ({ ...a, ban: banned.get(`address:${a.id}`) })),
      bans: [...banned.values()],
    };
  });

  app.get('/api/bans', async (request) => {
    allow(request, 'operator');
    return { bans: bans() };
  });

  app.delete('/api/bans/:address', async (request, reply) => {
    allow(request, 'admin');
    const { address } = request.params as { address: string };
    const key = address.startsWith('client:') ? address : `address:${address}`;
    if (!deps.connectionGuard?.unban(key)) {
      throw new NotFound(
        `no ban on ${address} is in force. GET /api/bans lists the bans (a client id's as client:<id>).`,
      );
    }
    request.log.warn({ ban: key, by: operatorOf(request)?.name }, 'ban lifted');
    return reply.status(204).send();
  });
}
