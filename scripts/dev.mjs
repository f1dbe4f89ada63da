// `npm run dev`: the gateway on http://127.0.0.1:8787 in the local workerd runtime (wrangler dev
// --local), with the demo tenants. No Cloudflare account, login or API key is needed.
import { spawn } from 'node:child_process';

const url = 'http://127.0.0.1:8787';
console.log(`
  AI gateway (development) → ${url}

  Demo tenants and keys (development only):
    acme    gwk_demo_acme     scopes: chat search ingest tools admin
    globex  gwk_demo_globex   scopes: chat search ingest

  Try:  curl -s ${url}/tenant -H "Authorization: Bearer gwk_demo_acme"
`);

const child = spawn(
  'npx',
  [
    'wrangler',
    'dev',
    '--local',
    '--ip',
    '127.0.0.1',
    '--port',
    '8787',
    '--show-interactive-dev-session=false',
  ],
  {
    cwd: new URL('../apps/gateway/', import.meta.url),
    stdio: 'inherit',
    env: { WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', ...process.env },
  },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
