import { parseArgs } from 'node:util';
import { runSimulateCommand } from '../simulate/run-simulate-command.js';
import { EXIT } from './cli-io.js';
import type { CliIo } from './cli-io.js';
import { integerFlag } from './integer-flag.js';

export const SIMULATE_HELP = `Usage: pagestream simulate [options]

Starts the built-in simulated OpenAI-compatible server on 127.0.0.1 and prints its URL. It batches
sequences like an inference server, answers in DocTags, Markdown or HTML, and reports what it generated
at GET /stats. Stop it with Ctrl-C.

  --port <n>             port to listen on (default: a free port)
  --capacity <n>         sequences decoded at once (default 16)
  --time-scale <x>       multiply every delay (default 1; 0.1 runs ten times faster)
  --runaway              keep generating after the answer's end until max_tokens
  --seed <text>          seed of the answers' lengths and faults
`;

/** `pagestream simulate`: runs until interrupted; returns the exit code. */
export async function runSimulateCli(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string', default: '0' },
      capacity: { type: 'string' },
      'time-scale': { type: 'string' },
      runaway: { type: 'boolean', default: false },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout.write(SIMULATE_HELP);
    return EXIT.ok;
  }
  const port = integerFlag('--port', values.port, 0, 65535);
  await runSimulateCommand({
    port,
    ...(values.capacity === undefined ? {} : { capacity: Number(values.capacity) }),
    ...(values['time-scale'] === undefined ? {} : { timeScale: Number(values['time-scale']) }),
    ...(values.seed === undefined ? {} : { seed: values.seed }),
    runaway: values.runaway,
    signal: io.signal,
    stdout: io.stdout,
  });
  return EXIT.ok;
}
