// The node-to-node transport: authenticated TCP links carrying every Raft group's messages.
export { FrameDecoder, encodeFrame } from "./frame.ts";
export { PROTOCOL_VERSION, transportDefaults } from "./limits.ts";
export {
  FrameTooLargeError,
  Transport,
  realSchedule,
  type NodeId,
  type PeerAddress,
  type PeerStats,
  type ScheduleFn,
  type TransportOptions,
  type TransportStats,
} from "./transport.ts";
