import { readFileSync } from 'node:fs';
import { EXIT, printError } from './cli-io.js';
import type { CliIo } from './cli-io.js';
import { InvalidOptionsError, PagestreamError } from '../errors.js';
import { UsageError } from './usage-error.js';

const HELP = `Usage: pagestream <command> [options]

Commands
  convert <input...>   convert PDFs and images through a vision-language model
  render <input>       render pages to image files (no network)
  bench <input>        sweep concurrency settings against an endpoint and report throughput
  simulate             start the built-in simulated OpenAI-compatible server

Run "pagestream <command> --help" for a command's options.
`;

type Command = (argv: readonly string[], io: CliIo) => Promise<number>;

/**
 * Each command is imported when it runs: together they load Skia, pdf.js, undici, RxJS and zod, which
 * took `pagestream --version` about a second, and `render` needs neither the network client nor RxJS.
 */
const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  convert: async () => (await import('./convert-command.js')).runConvertCommand,
  render: async () => (await import('./render-command.js')).runRenderCommand,
  bench: async () => (await import('./bench-command.js')).runBenchCommand,
  simulate: async () => (await import('./simulate-command.js')).runSimulateCli,
};

/** Run the CLI with `argv` (without node and the script) and return the exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.stdout.write(HELP);
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  if (command === '--version' || command === '-v') {
    io.stdout.write(`${readVersion()}\n`);
    return EXIT.ok;
  }
  const load = COMMANDS[command];
  if (!load) {
    printError(
      io,
      new InvalidOptionsError(`unknown command ${JSON.stringify(command)}; run "pagestream --help"`),
    );
    return EXIT.usage;
  }
  try {
    const run = await load();
    return await run(rest, io);
  } catch (error) {
    // parseArgs explains some mistakes over several lines; errors here are one line each.
    const shown = isParseArgsError(error)
      ? new UsageError(`${command}: ${error.message.replace(/\s*\n\s*/g, ' ')}`)
      : error;
    printError(io, shown);
    return exitCodeFor(shown);
  }
}

/** Usage and configuration errors exit 2 (nothing was sent); an input that cannot be opened exits 3. */
function exitCodeFor(error: unknown): number {
  if (error instanceof PagestreamError) {
    switch (error.code) {
      case 'INPUT_NOT_FOUND':
      case 'INVALID_DOCUMENT':
      case 'UNSUPPORTED_FORMAT':
      case 'PASSWORD_REQUIRED':
      case 'INCORRECT_PASSWORD':
        return EXIT.inputUnreadable;
      default:
        return EXIT.usage;
    }
  }
  return EXIT.pagesFailed;
}

/** parseArgs reports unknown flags and missing values as TypeErrors with these codes. */
function isParseArgsError(error: unknown): error is Error {
  return error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS');
}

function readVersion(): string {
  const url = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
}
