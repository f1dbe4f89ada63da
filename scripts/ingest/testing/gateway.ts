import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A scripted stand-in for the gateway's `GET /tenant` and `POST /ingest`, on 127.0.0.1 and a random
 * port, for the CLI's tests. By default it behaves like the real route: documents are compared by
 * content, the corpus version is bumped by any change, bodies over the tenant limit get 413 and
 * more than 100 documents get 400. Scripted replies are served first, one per `/ingest` request.
 */
export interface ScriptedReply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** `'drop'` closes the connection without an answer (a network error for the client). */
export type Step = ScriptedReply | 'drop' | 'default';

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  bytes: number;
  documents: { id: string; text: string; title?: string; source?: string; metadata?: unknown }[];
}

export interface GatewayOptions {
  tenant?: string;
  key?: string;
  scopes?: string[];
  maxBodyBytes?: number;
  /** Replies for successive `/ingest` requests; once used up, the default behaviour. */
  script?: Step[];
}

export interface ScriptedGateway {
  url: string;
  requests: RecordedRequest[];
  /** Document id → the JSON of the document as last ingested. */
  stored: Map<string, string>;
  corpusVersion(): number;
  close(): Promise<void>;
}

const envelope = (code: string, message: string, requestId: string) => ({
  error: { code, message },
  requestId,
});

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startGateway(options: GatewayOptions = {}): Promise<ScriptedGateway> {
  const tenant = options.tenant ?? 'acme';
  const key = options.key ?? 'gwk_test';
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const script = [...(options.script ?? [])];
  const requests: RecordedRequest[] = [];
  const stored = new Map<string, string>();
  let version = 0;
  let counter = 0;

  const server = createServer((req, res) => {
    void (async () => {
      const requestId = `req_${++counter}`;
      const body = await readBody(req);
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      let documents: RecordedRequest['documents'] = [];
      try {
        documents = (JSON.parse(body.toString('utf8')) as { documents: RecordedRequest['documents'] })
          .documents;
      } catch {
        documents = [];
      }
      requests.push({
        method: req.method ?? '',
        path,
        authorization: req.headers.authorization,
        bytes: body.length,
        documents,
      });
      const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': requestId, ...headers });
        res.end(JSON.stringify(payload));
      };

      if (req.headers.authorization !== `Bearer ${key}`) {
        send(401, envelope('unauthorized', 'Missing or invalid API key.', requestId));
        return;
      }
      if (req.method === 'GET' && path === '/tenant') {
        send(200, {
          tenant: { id: tenant, features: { rag: true }, limits: { maxBodyBytes } },
          key: { id: `${tenant}-test`, scopes: options.scopes ?? ['ingest'] },
        });
        return;
      }
      if (req.method !== 'POST' || path !== '/ingest') {
        send(404, envelope('not_found', 'No such route.', requestId));
        return;
      }
      const step = script.shift() ?? 'default';
      if (step === 'drop') {
        req.socket.destroy();
        return;
      }
      if (step !== 'default') {
        send(step.status, step.body ?? {}, step.headers);
        return;
      }
      if (body.length > maxBodyBytes) {
        send(
          413,
          envelope(
            'payload_too_large',
            `The request body exceeds this tenant's limit of ${maxBodyBytes} bytes.`,
            requestId,
          ),
        );
        return;
      }
      if (documents.length < 1 || documents.length > 100) {
        send(400, envelope('invalid_request', 'documents: 1 to 100 items.', requestId));
        return;
      }
      const result = {
        added: [] as string[],
        updated: [] as string[],
        unchanged: [] as string[],
        failed: [] as { id: string; code: string; message: string }[],
        chunks: 0,
        corpusVersion: version,
      };
      for (const doc of documents) {
        if (doc.text.includes('REJECT')) {
          result.failed.push({
            id: doc.id,
            code: 'invalid_request',
            message: 'rejected by the test gateway',
          });
          continue;
        }
        // Like the gateway, the whole document counts, metadata (and so the file time) included.
        const content = JSON.stringify({ ...doc, id: undefined });
        const before = stored.get(doc.id);
        if (before === content) {
          result.unchanged.push(doc.id);
          continue;
        }
        (before === undefined ? result.added : result.updated).push(doc.id);
        stored.set(doc.id, content);
        result.chunks++;
      }
      if (result.added.length + result.updated.length > 0) version++;
      result.corpusVersion = version;
      send(200, result);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stored,
    corpusVersion: () => version,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
      }),
  };
}
