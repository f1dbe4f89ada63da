import { swaggerUI } from '@hono/swagger-ui';
import type { GatewayApp } from '../context.ts';
import { GATEWAY_VERSION } from '../version.ts';

export const OPENAPI_PATH = '/openapi.json';
export const DOCS_PATH = '/docs';

/**
 * The OpenAPI 3.1 document, generated at request time from the same Zod schemas the routes
 * validate with, and an interactive reference page over it.
 */
export function registerDocsRoutes(app: GatewayApp): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'A tenant API key. `x-api-key: <key>` is accepted too.',
  });
  app.doc31(OPENAPI_PATH, {
    openapi: '3.1.0',
    info: {
      title: 'AI gateway',
      version: GATEWAY_VERSION,
      description:
        "Multi-tenant AI gateway on Cloudflare Workers. Native routes use the error envelope `{ error: { code, message, details? }, requestId }`; `/v1/*` routes use OpenAI's shapes.",
    },
  });
  app.get(DOCS_PATH, swaggerUI({ url: OPENAPI_PATH, title: 'AI gateway API' }));
}
