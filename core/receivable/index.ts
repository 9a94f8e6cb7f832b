export { type ReceivableInput, receivableSchema } from './schema.js';
export { describeFieldErrors, type FieldError, validateReceivable } from './validate-receivable.js';
