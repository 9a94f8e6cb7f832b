// The staff console (ADR 0011, docs/console.md): OIDC login, search, the debtor page, actions, audit.
// The stage's public face: other folders import from here, never from its files.
export { type ConsoleDeps, registerConsole } from './console-plugin.js';
export { type DebtorPicture, debtorPicture } from './debtor-picture.js';
export { searchDebtors } from './search.js';
