import { swaggerUI } from '@hono/swagger-ui';
import type { GatewayApp, GatewayEnv } from '../context.ts';
import { VENDOR_VERSIONS } from '../generated/assets.ts';
import { GATEWAY_VERSION } from '../version.ts';

export const OPENAPI_PATH = '/openapi.json';
export const DOCS_PATH = '/docs';

/**
 * The reference page loads Swagger UI from this Worker (routes/assets.ts), never from a CDN, and
 * may talk only to this origin: it works offline, and the policy says so to the browser.
 */
export const DOCS_CSP =
  "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; " +
  "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

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
  const page = swaggerUI<GatewayEnv>({
    url: OPENAPI_PATH,
    title: 'AI gateway API',
    // `${baseUrl}/swagger-ui-dist@${version}/…`: the paths routes/assets.ts serves.
    baseUrl: '/assets',
    version: VENDOR_VERSIONS['swagger-ui-dist'],
    // Swagger UI's default sends the spec's URL to an online validator (an image from elsewhere).
    validatorUrl: 'none',
  });
  app.get(DOCS_PATH, (c, next) => {
    c.header('content-security-policy', DOCS_CSP);
    return page(c, next);
  });
}
