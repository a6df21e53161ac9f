// Input readers: resolve the command line's inputs into files, and read each one into
// Segment calls with their positions.
export { InputError } from '../errors.js';
export { listInputs, formatFromName, STDIN_PATH } from './listInputs.js';
export { openInput } from './openInput.js';
export type {
  InputFile,
  InputFormat,
  InputReader,
  ReadOptions,
  RecordPosition,
  SourceErrorCode,
  SourceItem,
  StartAt,
} from './types.js';
