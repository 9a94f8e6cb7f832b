/**
 * Pure message rendering: Handlebars templates with nl-NL money and dates, layouts and partials, locale
 * fallback, and compile-time analysis of the variables a template reads. No I/O, no clock reads.
 */
export type {
  Branding,
  CorporationContact,
  CorporationContext,
  CorporationSender,
  DebtorContext,
  Locale,
  PartName,
  ReceivableContext,
  RenderContext,
} from './context.js';
export { isLocale, LOCALES, PART_NAMES } from './context.js';
export { type DateStyle, formatDate } from './dates.js';
export {
  isRenderError,
  OST_ERR_TEMPLATE_RENDER,
  OST_ERR_TEMPLATE_SYNTAX,
  RenderError,
  type RenderErrorCode,
  type RenderErrorDetails,
} from './errors.js';
export { BUILTIN_HELPER_NAMES, HELPER_NAMES, RENDER_HELPER_NAMES } from './helpers.js';
export { type LocaleChoice, type LocalePick, pickLocale } from './locale.js';
export { formatMoney } from './money.js';
export {
  createRenderer,
  type MessagePart,
  type OutputFormat,
  type RenderedPart,
  type Renderer,
  type RendererOptions,
  type RenderTemplateOptions,
  type TemplateDefinition,
  type TemplateParts,
} from './render-message.js';
export { syntaxError, type TemplateSyntaxProblem } from './syntax.js';
export { type ReferencedVariablesOptions, referencedVariables } from './variables.js';
