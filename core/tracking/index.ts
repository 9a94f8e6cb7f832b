// What the tracking endpoints decide without I/O: is an open or a click a person's or a machine's.
export {
  classifyTrackingRequest,
  inCidr,
  ipv4ToInt,
  MACHINE_RULES,
  MACHINE_WINDOW_SECONDS,
  type MachineRule,
  type MachineVerdict,
  type TrackingKind,
  type TrackingRequest,
} from './machine-traffic.js';
