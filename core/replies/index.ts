// Replies from debtors: classification by keyword rules and the new text of an email reply.
export {
  classifyReply,
  isReplyClass,
  normalizeReplyText,
  REPLY_CLASSES,
  type ReplyAction,
  type ReplyClass,
  type ReplyClassification,
  type ReplyRule,
  type ReplyRules,
  UNMATCHED_REPLY,
} from './classify-reply.js';
export { REPLY_TEXT_MAX, stripQuoted } from './strip-quoted.js';
