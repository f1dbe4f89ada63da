import type { Context } from 'hono';
import { policyFor, storageRedactor } from '@aigw/guardrails';
import type { LogBodies, LogBody } from '@aigw/observability';
import { optionalCaller, type GatewayEnv } from '../context.ts';

/**
 * Routes whose bodies are never kept, whatever the tenant says: they carry API keys in the clear
 * (a created or rotated key is in the answer of `/keys`), or are the operator's.
 */
const NEVER_KEPT = /^\/(keys|admin)(\/|$)/;

/** Header names that may carry a credential: their values are never stored. */
const CREDENTIAL_HEADER = /authorization|api[-_]?key|token|secret|cookie|password|signature|credential/i;
/** JSON fields whose values are credentials (a created key's `key`, a webhook's `secret`, …). */
const CREDENTIAL_FIELD =
  /^(authorization|api[-_]?key|apikey|key|secret|client[-_]?secret|password|token|access[-_]?token|refresh[-_]?token)$/i;
/** The gateway's own API keys and operator keys, wherever they appear in text. */
const GATEWAY_KEY = /\bgw(?:k|op)_[A-Za-z0-9_-]{6,}/g;
/** `Bearer <token>` in text: whatever the token is, it is a credential. */
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi;
const REDACTED = '[REDACTED]';
/** How long a settled request's stream may still take to end before its body is kept as it is. */
const STREAM_END_WAIT_MS = 1000;

/**
 * Whether this request's bodies (and trace content) may be kept: the tenant opted in
 * (`logs.bodies.enabled`), the key did not opt out (`logBodies: false`), and the route is not one
 * that carries keys.
 */
export function keepsBodies(c: Context<GatewayEnv>): boolean {
  const { tenant, apiKey } = optionalCaller(c);
  if (tenant === undefined || !tenant.logs.enabled || !tenant.logs.bodies.enabled) return false;
  if (apiKey?.logBodies === false) return false;
  return !NEVER_KEPT.test(c.req.path);
}

/**
 * The redaction every stored body and trace content passes: the tenant's guardrail span rules
 * (the key's policy where it has one) and the credential detector, then the gateway's own key
 * formats and bearer tokens. JSON keeps its shape: strings are redacted one by one and fields
 * named like credentials are replaced whole.
 */
export function contentRedactor(c: Context<GatewayEnv>): {
  text: (text: string) => string;
  value: (value: unknown) => unknown;
} {
  const redact = storageRedactor(policyFor(c.get('tenant'), c.get('apiKey')));
  const text = (input: string): string =>
    redact(input)
      .replace(GATEWAY_KEY, REDACTED)
      .replace(BEARER, (_, scheme: string) => `${scheme} ${REDACTED}`);
  const value = (input: unknown, depth = 0): unknown => {
    if (typeof input === 'string') return text(input);
    if (depth > 64 || typeof input !== 'object' || input === null) return input;
    if (Array.isArray(input)) return input.map((item) => value(item, depth + 1));
    return Object.fromEntries(
      Object.entries(input).map(([key, item]) => [
        key,
        CREDENTIAL_FIELD.test(key) && (typeof item === 'string' || typeof item === 'number')
          ? REDACTED
          : value(item, depth + 1),
      ]),
    );
  };
  return { text, value: (input) => value(input) };
}

/** The request headers as stored: every one that may carry a credential replaced. */
function safeHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of headers) out[name] = CREDENTIAL_HEADER.test(name) ? REDACTED : raw.slice(0, 2048);
  return out;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A body as stored: redacted (JSON field by field, else as text), then cut to the cap. */
function stored(
  raw: string,
  bytes: number | null,
  contentType: string | null,
  cap: number,
  redact: ReturnType<typeof contentRedactor>,
): LogBody {
  let text: string;
  try {
    // Redacted as JSON where it parses, so a credential field is replaced whole.
    text = /json/i.test(contentType ?? '') ? JSON.stringify(redact.value(JSON.parse(raw))) : redact.text(raw);
  } catch {
    text = redact.text(raw);
  }
  const encoded = encoder.encode(text);
  return {
    text: encoded.length > cap ? decoder.decode(encoded.slice(0, cap)).replace(/\uFFFD$/, '') : text,
    bytes,
    truncated: encoded.length > cap || (bytes !== null && bytes > cap),
    contentType,
  };
}

/**
 * Starts keeping this request's bodies, once its response is known: the request text (Hono's
 * body cache: routes have read it already), and the response, copied as it passes (a stream
 * through a transform that keeps the first bytes; JSON from a clone). Resolves when the response
 * has ended, or with what passed so far when `settle` is called. Redaction runs then, off the
 * response path. Undefined when the request may not keep bodies.
 */
export function captureBodies(c: Context<GatewayEnv>): { settle: () => Promise<LogBodies> } | undefined {
  if (!keepsBodies(c)) return undefined;
  const cap = c.get('tenant').logs.bodies.maxBytes;
  // A margin past the cap: a credential cut at the edge is still seen whole by the redactor.
  const keep = cap + 512;
  const redact = contentRedactor(c);
  const headers = safeHeaders(c.req.raw.headers);
  const requestType = c.req.header('content-type') ?? null;
  const request =
    c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.raw.body === null
      ? Promise.resolve(undefined)
      : c.req.text().then(
          (text) => ({ text: text.slice(0, keep), bytes: encoder.encode(text).length }),
          () => undefined,
        );

  const response = c.res;
  const responseType = response.headers.get('content-type');
  let responseText = '';
  let responseBytes = 0;
  let ended: Promise<void> = Promise.resolve();
  if (response.body !== null && /event-stream/i.test(responseType ?? '')) {
    let finish: () => void = () => undefined;
    ended = new Promise<void>((resolve) => (finish = resolve));
    const streamDecoder = new TextDecoder();
    const copy = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        responseBytes += chunk.byteLength;
        if (responseText.length < keep) responseText += streamDecoder.decode(chunk, { stream: true });
        controller.enqueue(chunk);
      },
      flush() {
        finish();
      },
    });
    c.res = new Response(response.body.pipeThrough(copy), response);
  } else if (response.body !== null) {
    ended = response
      .clone()
      .text()
      .then(
        (text) => {
          responseText = text.slice(0, keep);
          responseBytes = encoder.encode(text).length;
        },
        () => undefined,
      );
  }

  return {
    settle: async () => {
      // A stream the client left never ends; what passed until the request settled is kept.
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        ended,
        new Promise((resolve) => (timer = setTimeout(resolve, STREAM_END_WAIT_MS))),
      ]);
      clearTimeout(timer);
      const sent = await request;
      return {
        headers,
        ...(sent === undefined ? {} : { request: stored(sent.text, sent.bytes, requestType, cap, redact) }),
        ...(response.body === null
          ? {}
          : { response: stored(responseText.slice(0, keep), responseBytes, responseType, cap, redact) }),
      };
    },
  };
}
