// Debtor pages: the payment page and the composition of every page under a corporation's host.
// The stage's public face: other folders import from here, never from its files.
export { type PagesOptions, registerPages } from './pages-plugin.js';
