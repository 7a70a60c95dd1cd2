import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { exportDocument } from '../decoders/export-document.js';
import type { ExportFormat } from '../decoders/export-document.js';
import { InvalidOptionsError } from '../errors.js';
import { generationCap, resolveOptions } from '../options.js';
import type { ConvertOptions } from '../options.js';
import type { ConversionEvent, DocumentResult } from '../pipeline/conversion-event.js';
import { convertStream } from '../pipeline/convert-stream.js';
import { DocumentTracker } from '../pipeline/document-tracker.js';
import { buildRunReport } from '../pipeline/build-run-report.js';
import { DEFAULT_PIXEL_BUDGET } from '../render/plan-render.js';
import { startSimulatedServer } from '../simulate/start-simulated-server.js';
import type { SimulatedServer } from '../simulate/start-simulated-server.js';
import { EXIT, printError, writeOutput, writeReport } from './cli-io.js';
import type { CliIo } from './cli-io.js';
import { CONNECTION_FLAGS, parseConnectionArgs } from './parse-connection-args.js';
import { ProgressBar } from './progress-bar.js';
import { UsageError, toFlagError } from './usage-error.js';

export const CONVERT_HELP = `Usage: pagestream convert <input...> [options]

Converts PDFs and images (PNG, JPEG, WebP) page by page through a vision-language model behind an
OpenAI-compatible /v1/chat/completions endpoint.

Connection
  --url <url>                 chat-completions URL (env PAGESTREAM_URL)
  --model <name>              model name (env PAGESTREAM_MODEL)
  --api-key <key>             bearer key (env PAGESTREAM_API_KEY, then OPENAI_API_KEY); never printed
  --header <name:value>       extra header, repeatable
  --param <key=json>          extra body field, repeatable; wins over derived fields (--param top_p=0.9)
  --enable-remote-services    required before any connection is made
  --simulate                  use the built-in simulated server instead of --url (no model needed)
Providers (a prefixed --model picks the endpoint and key when --url is not given)
  --model openrouter/<org>/<m> OPENROUTER_API_KEY     --model openai/<m>      OPENAI_API_KEY
  --model azure/<deployment>  AZURE_API_KEY + AZURE_API_BASE (+ AZURE_API_VERSION)
  --model gemini/<m>          GEMINI_API_KEY or GOOGLE_API_KEY
  --model ollama/<m> | vllm/<m> | lmstudio/<m>   local servers on their usual ports, no key
  --api-base <url>            the provider's base URL, e.g. http://127.0.0.1:11434/v1
  --api-version <v>           Azure api-version (default AZURE_API_VERSION, else 2024-10-21)
  --preset <name>             granite-docling-vllm | granite-docling-ollama | smoldocling-vllm |
                              qwen-vl-vllm | qwen-vl-ollama | qwen-vl-openrouter (flags win)
Answer
  --response-format <f>       doctags | markdown | html | text (default doctags)
  --prompt <text>             prompt text (default: one for the response format)
  --max-tokens <n>            generation cap sent to the server (default 4096)
  --temperature <x>           sampling temperature (default 0)
  --stop-tag <text>           closing-tag stopper; "none" turns it off (default </doctag> for doctags)
  --max-chars <n>             stop an answer after n characters
  --no-repetition-stop        turn off the repetition-loop stopper
  --detail <d>                auto | low | high: image detail sent with each image (default: not sent)
  --context <c>               none | previous-image | previous-text (pages of a document then go one
                              at a time) (default none)
Structured extraction
  --schema <file.json>        extract JSON matching this JSON Schema; --to json writes the values
  --extract <scope>           page (one value per page) | document (all pages in one request) (default page)
  --json-mode <m>             auto | json_schema | prompt (default auto: response_format, else the
                              schema in the prompt when the server refuses it)
Output
  --to <f>                    md | html | doctags | json (default md); json with --schema: the data
  -o, --output <path>         file (one input) or folder (several); - for stdout (default stdout)
  --report <path>             write the run report as JSON
  --quiet                     no progress output
Pages and images
  --pages <ranges>            1-based pages, e.g. 1-3,7,10- (default all)
  --password <pw>             password of an encrypted PDF
  --scale <x>                 render scale, 1 = 72 dpi (default 2)
  --max-size <px>             longest image edge (default none)
  --image-format <f>          png | jpeg | webp (default png)
  --image-quality <n>         JPEG/WebP quality 1-100 (default 90)
Workers and limits
  --concurrency <n>           pages in flight at once, shared by all inputs (default 4)
  --timeout <s>               limit on waiting for the next chunk of an answer (default 60)
  --connect-timeout <s>       limit on connecting (default 10)
  --first-token-timeout <s>   limit on waiting for the first token (default: --timeout)
  --page-timeout <s>          whole-page deadline (default none)
  --retries <n>               retries for 408/409/429/5xx/connection errors (default 3)

Exit codes: 0 all pages converted, 1 some page failed, 2 usage error (nothing sent),
3 an input could not be opened, 130 interrupted.
`;

const EXTENSIONS: Readonly<Record<ExportFormat, string>> = {
  md: 'md',
  html: 'html',
  doctags: 'doctags',
  json: 'json',
};

/** `pagestream convert`: returns the exit code. */
export async function runConvertCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    allowNegative: true,
    strict: true,
    options: {
      ...CONNECTION_FLAGS,
      concurrency: { type: 'string' },
      to: { type: 'string', default: 'md' },
      output: { type: 'string', short: 'o' },
      report: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout.write(CONVERT_HELP);
    return EXIT.ok;
  }
  if (positionals.length === 0)
    throw new UsageError('convert: give at least one input (a PDF, PNG, JPEG or WebP file)');
  const to = values.to;
  if (!isExportFormat(to))
    throw new UsageError(`--to: expected one of md, html, doctags, json; got ${JSON.stringify(to)}`);
  const options: ConvertOptions = { ...parseConnectionArgs(values, io.env) };
  if (values.concurrency !== undefined) {
    const concurrency = Number(values.concurrency);
    (options as { concurrency?: number | string }).concurrency = Number.isFinite(concurrency)
      ? concurrency
      : values.concurrency;
  }
  const output = await planOutput(values.output, positionals);

  let simulated: SimulatedServer | undefined;
  if (values.simulate) {
    if (values.url !== undefined) throw new UsageError('--simulate and --url: give one or the other');
    simulated = await startSimulatedServer({ timeScale: 0.05 });
    // The simulated server runs in this process on 127.0.0.1: nothing leaves the machine.
    Object.assign(options, { url: simulated.url, enableRemoteServices: true });
  }
  try {
    return await convertAndWrite(positionals, options, to, output, values, io);
  } finally {
    await simulated?.close();
  }
}

type OutputPlan =
  | { readonly kind: 'stdout' }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'folder'; readonly path: string };

async function planOutput(output: string | undefined, inputs: readonly string[]): Promise<OutputPlan> {
  if (output === undefined || output === '-') return { kind: 'stdout' };
  const existing = await stat(output).catch(() => undefined);
  if (inputs.length > 1 || existing?.isDirectory()) {
    if (existing && !existing.isDirectory())
      throw new UsageError(`--output: ${output} is a file, but several inputs need a folder`);
    await mkdir(output, { recursive: true });
    return { kind: 'folder', path: output };
  }
  return { kind: 'file', path: output };
}

async function convertAndWrite(
  inputs: readonly string[],
  options: ConvertOptions,
  to: ExportFormat,
  output: OutputPlan,
  flags: { report?: string | undefined; quiet?: boolean | undefined },
  io: CliIo,
): Promise<number> {
  const started = performance.now();
  let events;
  try {
    events = convertStream(inputs, { ...options, signal: io.signal });
  } catch (error) {
    throw error instanceof InvalidOptionsError && !(error instanceof UsageError) ? toFlagError(error) : error;
  }
  const maxTokens = generationCap(resolveOptions(options));
  const progress =
    !flags.quiet && io.stderr.isTTY === true ? new ProgressBar(io.stderr as NodeJS.WriteStream) : undefined;
  const finished: DocumentResult[] = [];
  // Kept only to report what finished if the run is interrupted.
  const trackers = new Map<string, DocumentTracker>();
  const written = new Set<string>();

  const onEvent = async (event: ConversionEvent) => {
    progress?.update(event);
    if (event.type === 'document-opened')
      trackers.set(event.input, new DocumentTracker(event.input, -1, event.pageCount, event.pages));
    if (event.type === 'page-done') {
      const { error, input, page } = event.result;
      trackers.get(input)?.record(event.result);
      const clear = progress ? '\r\x1b[2K' : '';
      if (error) {
        // Render errors already start with "page N: "; the line names the page once.
        const message = error.message.replace(new RegExp(`^page ${page}: `), '');
        io.stderr.write(`${clear}error: ${error.code}: ${input} page ${page}: ${message}\n`);
      }
      if (event.result.downscaled === 'pixel-budget')
        io.stderr.write(
          `${clear}warning: ${input} page ${page}: rendered at ${event.result.imageWidth ?? '?'}x${event.result.imageHeight ?? '?'}, below the requested scale, to stay within the ${DEFAULT_PIXEL_BUDGET / 1e6} MP pixel budget\n`,
        );
    }
    if (event.type === 'document-done') {
      finished.push(event.result);
      if (event.result.error) printError(io, event.result.error);
      if (output.kind === 'folder' && event.result.error === null) {
        await writeOutput(
          io,
          uniquePath(output.path, event.result.input, to, written),
          exportResult(event.result, to),
        );
      }
    }
  };

  let writing = Promise.resolve();
  // Resolves true when SIGINT stopped the run: what finished is still reported.
  const interrupted = await new Promise<boolean>((resolve, reject) => {
    events.subscribe({
      next: (event) => {
        writing = writing.then(() => onEvent(event));
      },
      error: (error: unknown) => {
        if (io.signal.aborted) resolve(true);
        else reject(error instanceof Error ? error : new Error(String(error)));
      },
      complete: () => resolve(false),
    });
  }).finally(() => progress?.stop());
  await writing;

  const wallMs = performance.now() - started;
  if (interrupted) {
    const done = new Set(finished.map((document) => document.input));
    const partial = [...trackers.values()]
      .filter((tracker) => !done.has(tracker.input))
      .map((tracker) => tracker.finish());
    if (flags.report)
      await writeReport(flags.report, buildRunReport([...finished, ...partial], wallMs, { maxTokens }));
    io.stderr.write('error: INTERRUPTED: stopped by SIGINT; in-flight requests were aborted\n');
    return EXIT.interrupted;
  }

  const documents = finished.sort((a, b) => a.index - b.index);
  const readable = documents.filter((document) => document.error === null);
  if (output.kind === 'file' && readable[0])
    await writeOutput(io, output.path, exportResult(readable[0], to));
  if (output.kind === 'stdout' && readable.length > 0) {
    const text =
      to === 'json' && readable.length > 1
        ? `[${readable.map((document) => exportResult(document, to)).join(',\n')}]\n`
        : readable.map((document) => withNewline(exportResult(document, to))).join('\n');
    await writeOutput(io, '-', text);
  }
  if (flags.report) await writeReport(flags.report, buildRunReport(documents, wallMs, { maxTokens }));

  if (documents.some((document) => document.error !== null)) return EXIT.inputUnreadable;
  if (documents.some((document) => document.status !== 'success')) return EXIT.pagesFailed;
  return EXIT.ok;
}

/** The document as `--to` asks; with `--schema` and `--to json`, the extracted data instead. */
function exportResult(result: DocumentResult, to: ExportFormat): string {
  if (to === 'json' && result.data !== undefined) return `${JSON.stringify(result.data, null, 2)}\n`;
  return exportDocument(result.document, to);
}

function isExportFormat(value: string): value is ExportFormat {
  return Object.hasOwn(EXTENSIONS, value);
}

function withNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}

/** `<folder>/<input name>.<ext>`, with a numeric suffix when two inputs share a name. */
function uniquePath(folder: string, input: string, to: ExportFormat, taken: Set<string>): string {
  const base = path.basename(input).replace(/\.[^.]+$/, '') || 'document';
  let candidate = path.join(folder, `${base}.${EXTENSIONS[to]}`);
  for (let n = 2; taken.has(candidate); n++) candidate = path.join(folder, `${base}-${n}.${EXTENSIONS[to]}`);
  taken.add(candidate);
  return candidate;
}
