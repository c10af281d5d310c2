import net from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP relay in front of a broker that a test can cut and restore, so clients lose the
 * broker abruptly (no DISCONNECT, so the broker fires their will) and can later reconnect
 * to the same address.
 */
export interface TcpLink {
  port: number;
  url: string;
  /** Drops every relayed connection and refuses new ones until `restore`. */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpLink(targetPort: number): Promise<TcpLink> {
  const sockets = new Set<net.Socket>();
  let up = true;
  const track = (socket: net.Socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  const server = net.createServer((inbound) => {
    track(inbound);
    if (!up) {
      inbound.destroy();
      return;
    }
    const outbound = net.connect(targetPort, '127.0.0.1');
    track(outbound);
    inbound.pipe(outbound).pipe(inbound);
    const closeBoth = () => {
      inbound.destroy();
      outbound.destroy();
    };
    inbound.on('error', closeBoth).on('close', closeBoth);
    outbound.on('error', closeBoth).on('close', closeBoth);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const dropAll = () => {
    for (const socket of sockets) socket.destroy();
  };
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    cut() {
      up = false;
      dropAll();
    },
    restore() {
      up = true;
    },
    close: async () => {
      up = false;
      dropAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
