import { createRoute, z } from '@hono/zod-openapi';
import { auditLedger, openAIFunctionSpec, toolsForTenant } from '@aigw/tools';
import type { GatewayApp } from '../../context.ts';
import { runTool } from '../../chat/engine.ts';
import { feature, scope } from '../../middleware/tenant/index.ts';
import { errorResponses } from '../openapi.ts';

const listRoute = createRoute({
  method: 'get',
  path: '/tools',
  tags: ['tools'],
  summary: "The tenant's enabled tools, with JSON Schemas, in OpenAI's function format.",
  security: [{ bearer: [] }],
  middleware: [scope('tools'), feature('tools')],
  responses: {
    200: {
      description: 'Tools; the ones the tenant has not enabled are not listed.',
      content: {
        'application/json': {
          schema: z.object({
            tools: z.array(
              z.object({
                type: z.literal('function'),
                function: z.object({
                  name: z.string(),
                  description: z.string(),
                  parameters: z.record(z.string(), z.unknown()),
                }),
              }),
            ),
          }),
        },
      },
    },
    ...errorResponses,
  },
});

const runRoute = createRoute({
  method: 'post',
  path: '/tools/{name}',
  tags: ['tools'],
  summary: 'Runs one tool with the JSON body as its arguments. Every run is written to the audit ledger.',
  security: [{ bearer: [] }],
  middleware: [scope('tools'), feature('tools')],
  request: {
    params: z.object({
      name: z
        .string()
        .min(1)
        .max(64)
        .openapi({ param: { name: 'name', in: 'path' } }),
    }),
    body: {
      required: true,
      content: { 'application/json': { schema: z.record(z.string(), z.unknown()).openapi('ToolArguments') } },
    },
  },
  responses: {
    200: {
      description: "The tool's result, checked against its result schema.",
      content: {
        'application/json': {
          schema: z.object({
            tool: z.string(),
            result: z.unknown(),
            latencyMs: z.number(),
            requestId: z.string(),
          }),
        },
      },
    },
    404: {
      description: 'not_found: no such tool, or not enabled for the tenant',
      content: errorResponses[400].content,
    },
    504: { description: 'tool_timeout', content: errorResponses[500].content },
    ...errorResponses,
  },
});

const auditEntry = z.object({
  seq: z.int(),
  time: z.string(),
  tenant: z.string(),
  requestId: z.string(),
  clientRequestId: z.string().optional(),
  keyId: z.string(),
  tool: z.string(),
  argsHash: z.string(),
  outcome: z.string(),
  latencyMs: z.number(),
  change: z
    .object({
      action: z.string(),
      target: z.string(),
      before: z.record(z.string(), z.unknown()).nullable(),
      after: z.record(z.string(), z.unknown()).nullable(),
    })
    .optional()
    .describe('Control-plane changes only (keys, tenant switches); `tool` then repeats the action.'),
  guardrail: z
    .object({ rule: z.string(), detector: z.string(), on: z.string(), surface: z.string() })
    .optional()
    .describe('The guardrail rule that blocked (`tool` is "(guardrail)" outside the tools surface).'),
  prevHash: z.string(),
  hash: z.string(),
});

const auditRoute = createRoute({
  method: 'get',
  path: '/audit',
  tags: ['tools'],
  summary:
    "Pages through the tenant's append-only, hash-chained audit ledger: tool runs and control-plane changes (oldest first).",
  security: [{ bearer: [] }],
  middleware: [scope('admin')],
  request: {
    query: z.object({
      cursor: z.string().min(1).max(200).optional(),
      limit: z.coerce.number().int().min(1).max(200).optional(),
    }),
  },
  responses: {
    200: {
      description: 'One page; pass `nextCursor` back as `cursor`.',
      content: {
        'application/json': {
          schema: z.object({ entries: z.array(auditEntry), nextCursor: z.string().nullable() }),
        },
      },
    },
    ...errorResponses,
  },
});

const verifyRoute = createRoute({
  method: 'get',
  path: '/audit/verify',
  tags: ['tools'],
  summary: 'Recomputes the hash chain; reports the first broken entry if any row was altered or removed.',
  security: [{ bearer: [] }],
  middleware: [scope('admin')],
  responses: {
    200: {
      description: 'The verification result.',
      content: {
        'application/json': {
          schema: z.union([
            z.object({ ok: z.literal(true), entries: z.int(), head: z.string().nullable() }),
            z.object({ ok: z.literal(false), brokenAt: z.int(), reason: z.string() }),
          ]),
        },
      },
    },
    ...errorResponses,
  },
});

export function registerToolRoutes(app: GatewayApp): void {
  app.openapi(listRoute, (c) => {
    const tenant = c.get('tenant');
    return c.json({ tools: toolsForTenant(tenant.tools.enabled).map(openAIFunctionSpec) }, 200);
  });

  app.openapi(runRoute, async (c) => {
    const execution = await runTool(c, c.req.valid('param').name, c.req.valid('json'), c.req.raw.signal);
    return c.json({ ...execution, requestId: c.get('requestId') }, 200);
  });

  app.openapi(auditRoute, async (c) => {
    const { cursor, limit } = c.req.valid('query');
    const page = await auditLedger(c.env.AUDIT_LEDGER, c.get('tenant').id).page({
      ...(cursor !== undefined ? { cursor } : {}),
      ...(limit !== undefined ? { limit } : {}),
    });
    return c.json(page, 200);
  });

  app.openapi(verifyRoute, async (c) =>
    c.json(await auditLedger(c.env.AUDIT_LEDGER, c.get('tenant').id).verify(), 200),
  );
}
