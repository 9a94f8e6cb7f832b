export {
  createError,
  type ErrorLocation,
  type ErrorOptions,
  formatLocation,
  isOutputstraatError,
  OutputstraatError,
} from './outputstraat-error.js';
export { type ErrorArg, type ErrorArgs, type ErrorCode, type ErrorSpec, errorRegistry } from './registry.js';
