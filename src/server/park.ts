// Parking a connection: a command that must wait for another client (FETCH_OR_COMPUTE) asks the
// connection, from inside its synchronous handler, to stop reading after this command. The connection
// then hands itself to the callback, which later writes the reply and resumes it; pipelined commands
// behind the parked one wait, so replies stay in order. Also: per-client close listeners, so state held
// on behalf of a client (a compute claim, a parked waiter) is released when it disconnects.
//
// Both tables are keyed by ClientState in WeakMaps so ClientState itself needs no new fields.
import type { ReplyWriter } from "../protocol/writer.ts";
import type { ClientState } from "./client-state.ts";

/** What a parked connection offers to whoever wakes it (implemented by Connection). */
export interface ParkedConnection {
  readonly state: ClientState;
  readonly writer: ReplyWriter;
  readonly closed: boolean;
  /** Sends what was written to `writer` (behind the durable barrier) and continues with pipelined input. */
  resume(): void;
}

const parkRequests = new WeakMap<ClientState, (conn: ParkedConnection) => void>();
/** Requests not yet taken: lets the check after every command skip the WeakMap lookup. */
let parkRequestsPending = 0;
const closeListeners = new WeakMap<ClientState, Set<() => void>>();

/** Called by a handler: after this command, pause the connection and pass it to `onParked`. */
export function requestPark(client: ClientState, onParked: (conn: ParkedConnection) => void): void {
  if (!parkRequests.has(client)) parkRequestsPending++;
  parkRequests.set(client, onParked);
}

/** Called by the connection after each command: the pending park request, if any (consumed). */
export function takeParkRequest(client: ClientState): ((conn: ParkedConnection) => void) | undefined {
  if (parkRequestsPending === 0) return undefined;
  const request = parkRequests.get(client);
  if (request !== undefined) {
    parkRequests.delete(client);
    parkRequestsPending--;
  }
  return request;
}

/** Runs `listener` once when the client's connection closes; returns a function that cancels it. */
export function onClientClose(client: ClientState, listener: () => void): () => void {
  let set = closeListeners.get(client);
  if (set === undefined) closeListeners.set(client, (set = new Set()));
  set.add(listener);
  return () => {
    set.delete(listener);
  };
}

/** Called by the connection when it closes. */
export function clientClosed(client: ClientState): void {
  if (parkRequests.delete(client)) parkRequestsPending--;
  const set = closeListeners.get(client);
  if (set === undefined) return;
  closeListeners.delete(client);
  for (const listener of set) listener();
}
