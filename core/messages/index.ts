export { type ArrangementTemplateContext, arrangementContext } from './arrangement-context.js';
export { type ComposedMessage, type ComposeInput, composeMessage, renderContext } from './compose-message.js';
export { LINK_PURPOSES, type LinkPurpose, linkPath, linkPurposesOf } from './link-purposes.js';
export {
  type CollectionsState,
  type DossierWithCosts,
  dossierWithCosts,
  noticeContext,
} from './notice-context.js';
export type { OutgoingMessage, SendMessage, SendResult } from './outgoing-message.js';
