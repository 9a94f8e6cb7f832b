export {
  createError,
  type ErrorLocation,
  type ErrorOptions,
  formatLocation,
  isOutputstraatError,
  OutputstraatError,
} from './outputstraat-error.js';
export { type ErrorCode, type ErrorSpec, errorRegistry } from './registry.js';
