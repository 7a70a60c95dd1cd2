import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root, where the CLI runs from. */
export const PROJECT_ROOT = path.resolve(fileURLToPath(import.meta.url), '../../..');
/**
 * The built CLI, exactly what `npx pagestream` runs. `npm test` builds first, so it is never stale; it
 * also starts much faster than the sources under tsx (the render workers would transpile too).
 */
const BIN = path.join(PROJECT_ROOT, 'dist/cli/bin.js');

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Environment without anything that could point the CLI at a real endpoint or carry a key. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('PAGESTREAM_') || key === 'OPENAI_API_KEY') continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

/** Start the built CLI as a real child process, without waiting for it. */
export function startCli(args: readonly string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], {
    cwd: PROJECT_ROOT,
    env: cleanEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Run the CLI to the end (killed after `timeoutMs`) and collect its exit code and output. */
export function runCli(
  args: readonly string[],
  options: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<CliResult> {
  return collect(startCli(args, options.env), options.timeoutMs ?? 60_000);
}

/** Collect a started CLI's output until it exits. */
export function collect(child: ChildProcess, timeoutMs = 60_000): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the CLI did not exit within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
