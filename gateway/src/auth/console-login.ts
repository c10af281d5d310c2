import type { Client } from 'aedes';
import type { Logger } from 'pino';
import type { AuthResult } from '../guard/guard.ts';
import type { ConsoleAccess } from '../twin-state/console-access.ts';
import { GUEST, type Auth } from './auth.ts';

/** How the guard signs consoles in (see `GuardOptions.console`). */
export interface ConsoleLogin {
  /** True for connections that must sign in as a console. */
  claims(client: Client): boolean;
  authenticate(client: Client, username?: string, password?: Buffer): Promise<AuthResult>;
}

const HOW =
  'a console signs in with username = its user name and password = a token from POST /api/login';

/**
 * The console's MQTT over WebSocket login: username = the user's name, password = a valid
 * token of that user (a guest without credentials only when the console is open). Admitted
 * consoles are read-only; one whose token expires, is signed out, or whose user is removed
 * is disconnected within a second.
 */
export function createConsoleLogin(auth: Auth, access: ConsoleAccess, log?: Logger): ConsoleLogin {
  auth.every(() => {
    for (const [client, session] of access.sessions()) {
      if (session.token === undefined) continue;
      const checked = auth.checkToken(session.token);
      if (checked.ok) {
        session.operator = checked.operator;
        continue;
      }
      log?.info(
        { client: client.id, user: session.operator.name, reason: checked.reason },
        'console signed out',
      );
      client.close();
    }
  });
  // Consoles hold upgraded HTTP sockets, which would keep the HTTP server from closing.
  auth.whenClosing(() => {
    for (const [client] of access.sessions()) client.close();
  });
  return {
    claims: (client) => access.isConsoleConnection(client),
    async authenticate(client, username, password) {
      if (username === undefined || username === '') {
        if (!auth.openConsole) return { ok: false, code: 5, reason: `sign-in required: ${HOW}` };
        access.admit(client, { operator: GUEST });
        return { ok: true };
      }
      const checked = auth.checkToken(password?.toString('utf8') ?? '');
      if (!checked.ok) return { ok: false, code: 5, reason: checked.reason };
      if (checked.operator.name !== username) {
        return { ok: false, code: 5, reason: `the token is not ${username}'s` };
      }
      access.admit(client, { operator: checked.operator, token: password!.toString('utf8') });
      return { ok: true };
    },
  };
}
