// Compact one-line texts for entries, messages and Readies: the vocabulary of the scenario transcripts.
import { decodeConfChange, type Entry, type Message, type Ready } from "./types.ts";

const textDecoder = new TextDecoder();

export function describeEntry(entry: Entry): string {
  const at = `${entry.term}/${entry.index}`;
  if (entry.type === "conf-change") {
    const cc = decodeConfChange(entry.data);
    return `${at} conf:${cc.type}(${cc.nodeId})`;
  }
  return entry.data.length === 0 ? `${at} (empty)` : `${at} "${textDecoder.decode(entry.data)}"`;
}

export function describeEntries(entries: readonly Entry[]): string {
  return `[${entries.map(describeEntry).join(", ")}]`;
}

export function describeMessage(m: Message): string {
  const parts = [`${m.from}->${m.to} ${m.type} term=${m.term}`];
  switch (m.type) {
    case "app":
      parts.push(`log=${m.logTerm}/${m.index} commit=${m.commit}`);
      if (m.entries.length > 0) parts.push(`entries=${describeEntries(m.entries)}`);
      break;
    case "app-resp":
      parts.push(m.reject ? `rejected index=${m.index} hint=${m.logTerm}/${m.rejectHint}` : `index=${m.index}`);
      break;
    case "vote":
    case "pre-vote":
      parts.push(`last=${m.logTerm}/${m.index}`);
      break;
    case "vote-resp":
    case "pre-vote-resp":
      if (m.reject) parts.push("rejected");
      break;
    case "heartbeat":
      parts.push(`commit=${m.commit}`);
      break;
    case "snap": {
      const chunk = m.snapshot;
      if (chunk !== undefined) {
        const voters = chunk.meta.confState.voters.join(",");
        const learners = chunk.meta.confState.learners.join(",");
        parts.push(`snapshot=${chunk.meta.term}/${chunk.meta.index} voters=(${voters}) learners=(${learners})`);
        parts.push(`bytes=${chunk.offset}+${chunk.data.length}/${chunk.totalBytes}`);
      }
      break;
    }
    case "snap-resp":
      parts.push(`snapshot=${m.index} received=${m.chunkOffset}${m.reject ? " rejected" : ""}`);
      break;
    case "prop":
      parts.push(`entries=${describeEntries(m.entries)}`);
      break;
    case "read-index-resp":
      parts.push(`index=${m.index}`);
      break;
    default:
      break;
  }
  if (m.context !== "") parts.push(`ctx=${m.context}`);
  return parts.join(" ");
}

/** The lines printed for one Ready (without the messages, which the caller prints as it sends them). */
export function describeReady(rd: Ready): string[] {
  const lines: string[] = [];
  if (rd.softState !== undefined) lines.push(`state: ${rd.softState.state} lead=${rd.softState.lead}`);
  if (rd.hardState !== undefined) {
    lines.push(`hard-state: term=${rd.hardState.term} vote=${rd.hardState.vote} commit=${rd.hardState.commit}`);
  }
  if (rd.snapshot !== undefined) {
    const meta = rd.snapshot.meta;
    lines.push(`snapshot: ${meta.term}/${meta.index} voters=(${meta.confState.voters.join(",")}) learners=(${meta.confState.learners.join(",")}) bytes=${rd.snapshot.data.length}`);
  }
  if (rd.entries.length > 0) lines.push(`persist: ${describeEntries(rd.entries)}`);
  if (rd.committedEntries.length > 0) lines.push(`apply: ${describeEntries(rd.committedEntries)}`);
  for (const rs of rd.readStates) lines.push(`read-state: index=${rs.index} ctx=${rs.context}`);
  return lines;
}
