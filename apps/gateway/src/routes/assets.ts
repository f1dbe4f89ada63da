import type { GatewayApp } from '../context.ts';
import { VENDOR_FILES } from '../generated/assets.ts';

/**
 * The browser bundles the gateway's own pages load (Swagger UI for /docs, Chart.js for
 * /dashboard), served by the Worker itself so those pages work with no network and no CDN.
 * `scripts/build-assets.ts` copies them from node_modules into a generated module; each path
 * carries its package version, so a response never changes and may be cached for good.
 */
export const ASSET_PATHS: readonly string[] = [...VENDOR_FILES.keys()];

export function registerAssetRoutes(app: GatewayApp): void {
  for (const [path, file] of VENDOR_FILES) {
    app.get(path, (c) => {
      c.header('content-type', file.contentType);
      c.header('cache-control', 'public, max-age=31536000, immutable');
      c.header('x-content-type-options', 'nosniff');
      return c.body(file.body, 200);
    });
  }
}
