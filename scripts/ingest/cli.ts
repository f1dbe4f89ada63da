/**
 * Ingests a folder of Markdown and text files into one tenant's corpus through `POST /ingest`.
 *
 *   npm run ingest -- --tenant acme --url http://127.0.0.1:8787 --key gwk_demo_acme ./folder
 */
import { parseCliArgs, USAGE, UsageError, type ParsedArgs } from './args.ts';
import { EXIT_INTERRUPTED, EXIT_USAGE, runIngest } from './run.ts';

async function main(): Promise<number> {
  let parsed: ParsedArgs;
  try {
    parsed = parseCliArgs(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`ingest: ${error.message}\nRun with --help for usage.\n`);
    return EXIT_USAGE;
  }
  if (parsed.help) {
    process.stdout.write(USAGE);
    return 0;
  }

  // First Ctrl-C: abort the request in flight, save, print the summary. Second: leave at once.
  const interrupt = new AbortController();
  process.on('SIGINT', () => {
    if (interrupt.signal.aborted) process.exit(EXIT_INTERRUPTED);
    process.stderr.write(
      '\nInterrupted: stopping after saving the completed batches (Ctrl-C again to quit now)\n',
    );
    interrupt.abort();
  });

  const report = await runIngest(parsed.options, {
    stdout: process.stdout,
    stderr: process.stderr,
    signal: interrupt.signal,
  });
  return report.exitCode;
}

process.exitCode = await main();
