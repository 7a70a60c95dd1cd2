import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import type { SimulatedServerOptions, SimulatedStats } from '../../src/simulate/index.js';

/** A simulated server running in a child process (see sim-server-child.ts). */
export interface ChildSimServer {
  /** Chat-completions URL on 127.0.0.1. */
  readonly url: string;
  /** The server's counters and per-request records, fetched over `GET /stats`. */
  stats(): Promise<SimulatedStats>;
  /** Stop the child and wait for it to exit. */
  close(): Promise<void>;
}

const CHILD = fileURLToPath(new URL('./sim-server-child.ts', import.meta.url));

/** Start the simulated server in a child process and wait for its URL (at most 30 s). */
export async function spawnSimServer(options: SimulatedServerOptions = {}): Promise<ChildSimServer> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(options)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => {
      reject(new Error('the simulated server did not print its URL within 30 s'));
    }, 30_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const line = buffered.split('\n', 1)[0];
      if (buffered.includes('\n') && line) {
        clearTimeout(timer);
        resolve(line.trim());
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the simulated server exited with code ${String(code)} before printing its URL`));
    });
  });
  const statsUrl = new URL('/stats', url).href;
  return {
    url,
    async stats() {
      const response = await request(statsUrl);
      return (await response.body.json()) as SimulatedStats;
    },
    async close() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
