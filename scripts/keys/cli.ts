/**
 * Runtime API keys and tenant switches from the command line, through the operator routes.
 *
 *   npm run keys -- create --tenant acme --url http://127.0.0.1:8787 --key gwop_dev_only_operator_key \
 *     --name "billing app" --scopes chat
 */
import { runKeys } from './run.ts';

process.exitCode = await runKeys(process.argv.slice(2), process.env, {
  stdout: process.stdout,
  stderr: process.stderr,
});
