export { type ComposedMessage, type ComposeInput, composeMessage, renderContext } from './compose-message.js';
