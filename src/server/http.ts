// The HTTP side door (Bun.serve, `--http-port`, off by default): GET /health for load balancers and
// orchestrators, GET /metrics for Prometheus, GET /dashboard for people (a page that polls the other
// two). They read the server's state at request time and change nothing; they run on the same event
// loop as RESP and never touch the disk.
//
// /health answers 200 when this node can serve its clients, 503 (same JSON shape) when it cannot, with
// the reasons: shutting down, a shard's log no longer accepting writes (the node stops acknowledging
// writes, then exits), or in a cluster a shard with no known leader (no majority reachable: writes to
// its slots cannot commit anywhere this node can see).
import type { Server } from "./server.ts";
import { metricsText } from "./metrics.ts";
import { dashboardHtml } from "./dashboard.ts";

export interface Health {
  readonly status: "ok" | "unavailable";
  readonly role: "standalone" | "cluster";
  readonly problems: readonly string[];
  readonly shards: readonly { readonly shard: number; readonly log: "ok" | "failed"; readonly leader?: number; readonly leading?: boolean }[];
}

export function health(server: Server): Health {
  const problems: string[] = [];
  if (server.stopping) problems.push("shutting down");
  const cluster = server.cluster;
  const shards = server.engine.shards.map((s, i) => {
    const log = s.log.healthy ? ("ok" as const) : ("failed" as const);
    if (log === "failed") problems.push(`shard ${i}: log write failed`);
    if (cluster === null) return { shard: i, log };
    const leader = cluster.leaderOf(i);
    if (leader === 0) problems.push(`shard ${i}: no known leader`);
    return { shard: i, log, leader, leading: leader === cluster.self.id };
  });
  return { status: problems.length === 0 ? "ok" : "unavailable", role: cluster === null ? "standalone" : "cluster", problems, shards };
}

export interface HttpEndpoint {
  readonly port: number;
  stop(): void;
}

export function startHttp(server: Server, port: number, hostname: string): HttpEndpoint {
  const http = Bun.serve({
    port,
    hostname,
    fetch(req) {
      const path = new URL(req.url).pathname;
      if (path !== "/health" && path !== "/metrics" && path !== "/dashboard") return new Response("not found: try /dashboard, /health or /metrics\n", { status: 404 });
      if (req.method !== "GET" && req.method !== "HEAD") return new Response("method not allowed\n", { status: 405, headers: { allow: "GET, HEAD" } });
      if (path === "/dashboard") return new Response(dashboardHtml, { headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } });
      const h = health(server);
      if (path === "/health") {
        return new Response(JSON.stringify(h), { status: h.status === "ok" ? 200 : 503, headers: { "content-type": "application/json", "cache-control": "no-store" } });
      }
      return new Response(metricsText(server, { healthy: h.status === "ok" }), {
        headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8", "cache-control": "no-store" },
      });
    },
  });
  return { port: http.port ?? port, stop: () => void http.stop(true) };
}
