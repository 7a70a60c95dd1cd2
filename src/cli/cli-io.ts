import { writeFile } from 'node:fs/promises';
import { PagestreamError } from '../errors.js';

/** Where a command reads and writes: the process's own streams in `main`, captured ones in tests. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WriteStream | (NodeJS.WritableStream & { isTTY?: boolean });
  readonly env: NodeJS.ProcessEnv;
  /** Aborted on SIGINT: commands stop at once and report what finished. */
  readonly signal: AbortSignal;
}

/** Exit codes fixed by CONTRACT.md. */
export const EXIT = {
  ok: 0,
  pagesFailed: 1,
  usage: 2,
  inputUnreadable: 3,
  interrupted: 130,
} as const;

/** One clear line per error (`error: <code>: <message>`); a stack only with PAGESTREAM_DEBUG=1. */
export function printError(io: CliIo, error: unknown): void {
  const code = error instanceof PagestreamError ? error.code : 'UNEXPECTED';
  const message = error instanceof Error ? error.message : String(error);
  // Multi-line messages (every bad option) stay readable but each line still says it is an error.
  const [first = '', ...rest] = message.split('\n');
  io.stderr.write(`error: ${code}: ${first}${rest.length > 0 ? `\n${rest.join('\n')}` : ''}\n`);
  if (io.env.PAGESTREAM_DEBUG === '1' && error instanceof Error && error.stack)
    io.stderr.write(`${error.stack}\n`);
}

/** Write `text` to a path, or to stdout for `-`. */
export async function writeOutput(io: CliIo, path: string, text: string): Promise<void> {
  if (path === '-') {
    await new Promise<void>((resolve, reject) =>
      io.stdout.write(text, (error) => (error ? reject(error) : resolve())),
    );
  } else {
    await writeFile(path, text);
  }
}

/** Write a JSON report file. */
export async function writeReport(path: string, report: unknown): Promise<void> {
  await writeFile(path, `${JSON.stringify(report, null, 2)}\n`);
}
