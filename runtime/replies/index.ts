// Debtors' replies (SMS and email): matched to their message and debtor, classified by the
// corporation's reply rules, acted on (pause and task, opt-out, record); and the tasks people work on.
// The stage's public face: other folders import from here, never from its files.
export { type RecordedReply, type ReplyDeps, type ReplyInput, recordReply } from './record-reply.js';
export {
  lastSmsTo,
  type MatchedMessage,
  messageOfReplyToken,
  replyAddressOf,
  replyTokenIn,
  storeReplyToken,
  storeReplyTokens,
} from './reply-address.js';
export { listReplies, type ReplyView } from './reply-list.js';
export { type ReplySmtpOptions, type ReplySmtpServer, startReplySmtpServer } from './reply-smtp-server.js';
