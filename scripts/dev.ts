// `npm run dev`: the gateway on http://127.0.0.1:8787 (or --port / $PORT) in the local workerd
// runtime (wrangler dev --local), with the demo tenants. No Cloudflare account, login or API key.
import { spawn } from 'node:child_process';
import { DevUsageError, parseDevOptions, USAGE } from './dev/options.ts';

let options;
try {
  options = parseDevOptions(process.argv.slice(2), process.env);
} catch (error) {
  if (!(error instanceof DevUsageError)) throw error;
  console.error(`${error.message}\n\n${USAGE}`);
  process.exit(2);
}

const url = `http://127.0.0.1:${options.port}`;
console.log(`
  AI gateway (development) → ${url}

  Demo tenants and keys (development only):
    acme    gwk_demo_acme     scopes: chat search ingest tools keys admin
    globex  gwk_demo_globex   scopes: chat search ingest   (rate-limited, daily token budget)

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
    String(options.port),
    '--show-interactive-dev-session=false',
    ...options.wranglerArgs,
  ],
  {
    cwd: new URL('../apps/gateway/', import.meta.url),
    stdio: 'inherit',
    env: { WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', ...process.env },
  },
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
