import { createError } from '../errors/index.js';
import { describeFieldErrors, type FieldError } from './index.js';

/** 400 OST_ERR_VALIDATION naming every failing field, in the message and as `errors` in the body. */
export const validationError = (errors: FieldError[]) =>
  createError('OST_ERR_VALIDATION', [describeFieldErrors(errors)], { details: { errors } });
