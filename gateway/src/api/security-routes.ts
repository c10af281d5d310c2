import type { FastifyInstance } from 'fastify';
import { requireRole } from '../auth/http-auth.ts';
import type { Ban, ConnectionGuard } from '../guard/connection-guard.ts';
import type { TrafficMonitor } from '../guard/traffic-monitor.ts';

export interface SecurityDeps {
  traffic: TrafficMonitor;
  /** The connection guard whose bans are listed and lifted. */
  connectionGuard?: ConnectionGuard;
}

class NotFound extends Error {
  readonly statusCode = 404;
  readonly code = 'SENSEGRID_NOT_FOUND';
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

/**
 * `GET /api/security` and `GET /api/bans` for operators and up; `DELETE /api/bans/:address`
 * for admins.
 */
export async function registerSecurityRoutes(
  app: FastifyInstance,
  deps: SecurityDeps,
): Promise<void> {
  const bans = () => deps.connectionGuard?.bans().map(viewOf) ?? [];

  app.get('/api/security', async (request) => {
    requireRole(request, 'operator');
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
    requireRole(request, 'operator');
    return { bans: bans() };
  });

  app.delete('/api/bans/:address', async (request, reply) => {
    const admin = requireRole(request, 'admin');
    const { address } = request.params as { address: string };
    const key = address.startsWith('client:') ? address : `address:${address}`;
    if (!deps.connectionGuard?.unban(key)) {
      throw new NotFound(
        `no ban on ${address} is in force. GET /api/bans lists the bans (a client id's as client:<id>).`,
      );
    }
    request.log.warn({ ban: key, by: admin.name }, 'ban lifted');
    return reply.status(204).send();
  });
}
