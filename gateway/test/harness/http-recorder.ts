import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** A request as the recorder received it; `body` is gunzipped when it came gzip-encoded. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface RecordedReply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface HttpRecorder {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/**
 * A tiny HTTP server on an ephemeral port that records every request and answers with
 * `reply(request, index)`. For checking what a client sends (headers, encoding, retries), not a
 * stand-in for the server the client talks to in production.
 */
export async function startHttpRecorder(
  reply: (
    request: RecordedRequest,
    index: number,
  ) => RecordedReply | Promise<RecordedReply> = () => ({ status: 204 }),
): Promise<HttpRecorder> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const raw = Buffer.concat(chunks);
      const gzipped = req.headers['content-encoding'] === 'gzip';
      const target = new URL(req.url ?? '/', 'http://recorder');
      const request: RecordedRequest = {
        method: req.method ?? 'GET',
        path: target.pathname,
        query: target.searchParams,
        headers: req.headers,
        body: (gzipped ? gunzipSync(raw) : raw).toString('utf8'),
      };
      requests.push(request);
      const answer = await reply(request, requests.length - 1);
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
