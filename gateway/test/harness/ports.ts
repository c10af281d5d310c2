import { createServer, type Server } from 'node:net';

function listenOnEphemeralPort(host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => resolve(server));
  });
}

/**
 * Distinct TCP ports that were free a moment ago, for servers that cannot listen on port 0 and
 * report back. Another process may take one in between, so callers retry a failed start.
 */
export async function freePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  // Every probe stays open until all are picked, so the ports differ from each other.
  const servers = await Promise.all(
    Array.from({ length: count }, () => listenOnEphemeralPort(host)),
  );
  const ports = servers.map((server) => {
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('probe has no port');
    return address.port;
  });
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/** One TCP port that was free a moment ago. Also a port where nothing answers, for tests. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const [port] = await freePorts(1, host);
  return port as number;
}
