// Elections and the clocks that drive them: a follower campaigns when its randomized election timeout
// passes (after a pre-vote round when enabled); a leader sends heartbeats and, with check-quorum, steps
// down when a quorum has not been heard from within an election timeout. Votes are granted here too.
import type { NodeState } from "./node-state.ts";
import type { ReadIndex } from "./read-index.ts";
import type { Roles } from "./roles.ts";
import { CAMPAIGN_TRANSFER, type Message, type MessageType, NONE, type NodeId } from "./types.ts";

type CampaignType = "pre-election" | "election" | "transfer";

export class Elections {
  constructor(
    private readonly node: NodeState,
    private readonly parts: { readonly roles: Roles; readonly reads: ReadIndex },
  ) {}

  /** One tick: election timeouts for followers and candidates, heartbeats for the leader. */
  tick(): void {
    if (this.node.state === "leader") this.tickHeartbeat();
    else this.tickElection();
  }

  /** Starts an election now (with a pre-vote round when enabled). */
  campaign(): void {
    this.hup(this.node.limits.preVote ? "pre-election" : "election");
  }

  /** Leadership transfer: campaign at once, skipping pre-vote and past the voters' leases. */
  handleTimeoutNow(): void {
    if (this.node.promotable()) this.runCampaign("transfer");
  }

  handleVoteRequest(m: Message): void {
    const node = this.node;
    const responseType = m.type === "vote" ? "vote-resp" : "pre-vote-resp";
    const canVote =
      node.vote === m.from || (node.vote === NONE && node.lead === NONE) || (m.type === "pre-vote" && m.term > node.term);
    if (canVote && node.log.isUpToDate(m.index, m.logTerm)) {
      node.send({ type: responseType, to: m.from, term: m.term });
      if (m.type === "vote") {
        node.electionElapsed = 0;
        node.vote = m.from;
      }
    } else {
      node.send({ type: responseType, to: m.from, reject: true });
    }
  }

  /** Candidate: counts a (pre-)vote; a won pre-vote starts the real election. */
  handleVoteResponse(m: Message): void {
    const result = this.poll(m.from, !m.reject);
    if (result === "won") {
      if (this.node.state === "pre-candidate") this.runCampaign("election");
      else this.parts.roles.becomeLeader();
    } else if (result === "lost") {
      this.parts.roles.becomeFollower(this.node.term, NONE);
    }
  }

  private tickElection(): void {
    const node = this.node;
    node.electionElapsed++;
    if (node.promotable() && node.electionElapsed >= node.randomizedElectionTimeout) {
      node.electionElapsed = 0;
      this.campaign();
    }
  }

  private tickHeartbeat(): void {
    const node = this.node;
    node.heartbeatElapsed++;
    node.electionElapsed++;
    if (node.electionElapsed >= node.limits.electionTimeoutTicks) {
      node.electionElapsed = 0;
      if (node.limits.checkQuorum) {
        if (!node.tracker.quorumActive(node.id)) {
          this.parts.roles.becomeFollower(node.term, NONE);
          return;
        }
        for (const [id, pr] of node.tracker.progress) if (id !== node.id) pr.recentActive = false;
      }
      // A transfer that did not finish within an election timeout is abandoned.
      node.leadTransferee = NONE;
    }
    if (node.heartbeatElapsed >= node.limits.heartbeatTimeoutTicks) {
      node.heartbeatElapsed = 0;
      node.sendHeartbeats(this.parts.reads.lastPendingContext());
    }
  }

  private hup(type: CampaignType): void {
    const node = this.node;
    if (node.state === "leader" || !node.promotable()) return;
    // An unapplied conf change could change who may vote; wait until it is applied.
    const unapplied = node.log.slice(node.log.applied + 1, node.log.committed + 1, Number.MAX_SAFE_INTEGER) ?? [];
    if (unapplied.some((e) => e.type === "conf-change")) return;
    this.runCampaign(type);
  }

  private runCampaign(type: CampaignType): void {
    const node = this.node;
    let voteType: MessageType;
    let term: number;
    if (type === "pre-election") {
      this.parts.roles.becomePreCandidate();
      voteType = "pre-vote";
      term = node.term + 1;
    } else {
      this.parts.roles.becomeCandidate();
      voteType = "vote";
      term = node.term;
    }
    if (this.poll(node.id, true) === "won") {
      if (type === "pre-election") this.runCampaign("election");
      else this.parts.roles.becomeLeader();
      return;
    }
    const index = node.log.lastIndex();
    const logTerm = node.log.lastTerm();
    const context = type === "transfer" ? CAMPAIGN_TRANSFER : "";
    for (const id of [...node.tracker.voters].sort((a, b) => a - b)) {
      if (id !== node.id) node.send({ type: voteType, to: id, term, index, logTerm, context });
    }
  }

  private poll(from: NodeId, granted: boolean): "won" | "lost" | "pending" {
    this.node.tracker.recordVote(from, granted);
    return this.node.tracker.tally().result;
  }
}
