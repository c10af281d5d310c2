import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestPki {
  dir: string;
  ca: string;
  serverCert: string;
  serverKey: string;
  /** Writes a client certificate signed by the CA with this CN; returns its cert and key paths. */
  clientCert(cn: string): Promise<{ cert: string; key: string }>;
}

/** A throwaway CA, a server certificate for 127.0.0.1 and client certificates, made by openssl. */
export async function createTestPki(): Promise<TestPki> {
  const dir = await mkdtemp(join(tmpdir(), 'sensegrid-pki-'));
  const path = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => run('openssl', args, { cwd: dir });
  await openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=sensegrid test CA',
    '-keyout',
    path('ca.key'),
    '-out',
    path('ca.pem'),
  );
  const sign = async (name: string, cn: string, extensions?: string) => {
    await openssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      `/CN=${cn}`,
      '-keyout',
      path(`${name}.key`),
      '-out',
      path(`${name}.csr`),
    );
    const args = [
      'x509',
      '-req',
      '-in',
      path(`${name}.csr`),
      '-CA',
      path('ca.pem'),
      '-CAkey',
      path('ca.key'),
      '-CAcreateserial',
      '-days',
      '2',
      '-out',
      path(`${name}.pem`),
    ];
    if (extensions) {
      await writeFile(path(`${name}.ext`), extensions);
      args.push('-extfile', path(`${name}.ext`));
    }
    await openssl(...args);
    return { cert: path(`${name}.pem`), key: path(`${name}.key`) };
  };
  const server = await sign('server', 'localhost', 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  return {
    dir,
    ca: path('ca.pem'),
    serverCert: server.cert,
    serverKey: server.key,
    clientCert: (cn) => sign(`client-${cn}`, cn),
  };
}
