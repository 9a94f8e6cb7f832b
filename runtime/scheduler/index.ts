// Scheduler: claims due steps and queues them for dispatch.
// The stage's public face: other folders import from here, never from its files.
export { Scheduler } from './scheduler.js';
