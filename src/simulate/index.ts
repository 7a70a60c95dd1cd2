// The simulated OpenAI-compatible server (`pagestream/simulate`). Every export is named here.
export { startSimulatedServer } from './start-simulated-server.js';
export type { SimulatedServer } from './simulated-server.js';
export { runSimulateCommand } from './run-simulate-command.js';
export type { RunSimulateCommandOptions } from './run-simulate-command.js';
export type {
  SimulatedServerOptions,
  SimulatedServerConfig,
  SimulatedFaults,
  SimulatedFaultKind,
  SimulatedScriptEntry,
  SimulatedAnswerFormat,
} from './simulated-server-options.js';
export type { SimulatedStats, SimulatedRequestRecord } from './simulated-stats.js';
export type { AnswerFormat } from './build-answer.js';
export { decodeImageSize } from './decode-image-size.js';
export type { ImageSize } from './decode-image-size.js';
export { makePdf } from './pdf-writer.js';
export type { PdfPageSpec, PdfText, PdfStroke } from './pdf-writer.js';
