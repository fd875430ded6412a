// GET /dashboard: one self-contained page (no external scripts, styles or fonts) that polls /health and
// /metrics every second and shows what an operator looks at first: the verdict and its reasons, load
// (commands/s, from the counter's change), clients, memory against maxmemory, keys per database, the
// log (fsyncs/s, durability lag, merges), per shard the Raft term and leader in a cluster, and the
// busiest commands. Every figure comes from /metrics, so the page shows nothing INFO does not.

export const dashboardHtml = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Bunker</title>
<style>
  :root { color-scheme: light dark; --ok: #1a7f37; --bad: #cf222e; --muted: #6e7781; }
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; max-width: 70rem; }
  h1 { font-size: 1.3rem; margin: 0 0 1rem; }
  h2 { font-size: 1rem; margin: 1.5rem 0 .5rem; }
  .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(11rem, 1fr)); gap: .75rem; }
  .card { border: 1px solid #d0d7de; border-radius: 6px; padding: .6rem .8rem; }
  .card .label { color: var(--muted); font-size: .8rem; }
  .card .value { font-size: 1.3rem; font-variant-numeric: tabular-nums; }
  table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
  th, td { text-align: right; padding: .2rem .8rem; border-bottom: 1px solid #d0d7de; }
  th:first-child, td:first-child { text-align: left; }
  #status.ok { color: var(--ok); } #status.unavailable, #status.down { color: var(--bad); }
  #problems { color: var(--bad); } .muted { color: var(--muted); }
</style>
</head>
<body>
<h1>Bunker <span id="status" class="muted">connecting...</span></h1>
<div id="problems"></div>
<div class="grid">
  <div class="card"><div class="label">commands/s</div><div class="value" id="ops">-</div></div>
  <div class="card"><div class="label">commands processed</div><div class="value" id="commands">-</div></div>
  <div class="card"><div class="label">clients</div><div class="value" id="clients">-</div></div>
  <div class="card"><div class="label">memory used</div><div class="value" id="memory">-</div></div>
  <div class="card"><div class="label">maxmemory</div><div class="value" id="maxmemory">-</div></div>
  <div class="card"><div class="label">keys</div><div class="value" id="keys">-</div></div>
  <div class="card"><div class="label">fsyncs/s</div><div class="value" id="fsyncs">-</div></div>
  <div class="card"><div class="label">durability lag (units)</div><div class="value" id="lag">-</div></div>
  <div class="card"><div class="label">merges</div><div class="value" id="merges">-</div></div>
  <div class="card"><div class="label">evicted / expired keys</div><div class="value" id="evicted">-</div></div>
  <div class="card"><div class="label">uptime</div><div class="value" id="uptime">-</div></div>
  <div class="card"><div class="label">recovery</div><div class="value" id="recovery">-</div></div>
</div>
<h2>Databases</h2>
<table id="dbs"><thead><tr><th>db</th><th>keys</th><th>with TTL</th></tr></thead><tbody></tbody></table>
<h2>Shards</h2>
<table id="shards"><thead><tr><th>shard</th><th>log</th><th>leader</th><th>term</th><th>commit index</th></tr></thead><tbody></tbody></table>
<h2>Commands</h2>
<table id="cmds"><thead><tr><th>command</th><th>calls</th><th>µs/call</th><th>failed</th><th>rejected</th></tr></thead><tbody></tbody></table>
<p class="muted">Refreshed every second from <a href="/metrics">/metrics</a> and <a href="/health">/health</a>. <span id="updated"></span></p>
<script>
"use strict";
function parse(text) {
  const out = [];
  for (const line of text.split("\\n")) {
    if (line === "" || line[0] === "#") continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})? (\\S+)$/.exec(line);
    if (m === null) continue;
    const labels = {};
    for (const pair of (m[2] || "").match(/[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\]|\\\\.)*"/g) || []) {
      const eq = pair.indexOf("=");
      labels[pair.slice(0, eq)] = pair.slice(eq + 2, -1).replace(/\\\\(.)/g, (_, c) => (c === "n" ? "\\n" : c));
    }
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}
const one = (s, name) => { const x = s.find((e) => e.name === name); return x === undefined ? NaN : x.value; };
const all = (s, name) => s.filter((e) => e.name === name);
const fmt = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : "-");
function bytes(n) {
  if (!Number.isFinite(n)) return "-";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let u = 0;
  while (n >= 1024 && u < units.length - 1) { n /= 1024; u++; }
  return (u === 0 ? n : n.toFixed(1)) + " " + units[u];
}
function duration(s) {
  if (!Number.isFinite(s)) return "-";
  if (s < 120) return Math.round(s) + " s";
  if (s < 7200) return Math.round(s / 60) + " min";
  return (s / 3600).toFixed(1) + " h";
}
function set(id, text) { document.getElementById(id).textContent = text; }
function rows(id, list) {
  const body = document.querySelector("#" + id + " tbody");
  body.replaceChildren(...list.map((cells) => {
    const tr = document.createElement("tr");
    for (const c of cells) { const td = document.createElement("td"); td.textContent = c; tr.appendChild(td); }
    return tr;
  }));
}
let last = null;
async function refresh() {
  try {
    const [h, m] = await Promise.all([fetch("/health"), fetch("/metrics")]);
    const health = await h.json();
    const s = parse(await m.text());
    const status = document.getElementById("status");
    status.textContent = health.status;
    status.className = health.status;
    set("problems", health.problems.join("; "));
    const now = performance.now();
    const commands = one(s, "bunker_commands_processed_total");
    const fsyncs = one(s, "bunker_log_fsyncs_total");
    if (last !== null) {
      const dt = (now - last.at) / 1000;
      set("ops", fmt((commands - last.commands) / dt));
      set("fsyncs", fmt((fsyncs - last.fsyncs) / dt));
    }
    last = { at: now, commands, fsyncs };
    set("commands", fmt(commands));
    set("clients", fmt(one(s, "bunker_connected_clients")));
    set("memory", bytes(one(s, "bunker_memory_used_bytes")));
    const max = one(s, "bunker_memory_max_bytes");
    set("maxmemory", max === 0 ? "no limit" : bytes(max));
    const dbs = all(s, "bunker_db_keys");
    set("keys", fmt(dbs.reduce((n, e) => n + e.value, 0)));
    set("lag", fmt(one(s, "bunker_durability_lag_units")));
    set("merges", fmt(one(s, "bunker_merges_total")));
    set("evicted", fmt(one(s, "bunker_evicted_keys_total")) + " / " + fmt(one(s, "bunker_expired_keys_total")));
    set("uptime", duration(one(s, "bunker_uptime_seconds")));
    set("recovery", one(s, "bunker_recovery_duration_seconds").toFixed(2) + " s");
    const ttl = new Map(all(s, "bunker_db_expiring_keys").map((e) => [e.labels.db, e.value]));
    rows("dbs", dbs.map((e) => ["db" + e.labels.db, fmt(e.value), fmt(ttl.get(e.labels.db) ?? 0)]));
    const terms = new Map(all(s, "bunker_raft_term").map((e) => [e.labels.shard, e.value]));
    const commits = new Map(all(s, "bunker_raft_commit_index").map((e) => [e.labels.shard, e.value]));
    rows("shards", health.shards.map((sh) => [
      String(sh.shard), sh.log,
      health.role === "cluster" ? (sh.leader === 0 ? "none" : "node " + sh.leader + (sh.leading ? " (this node)" : "")) : "this node (standalone)",
      health.role === "cluster" ? fmt(terms.get(String(sh.shard))) : "-",
      health.role === "cluster" ? fmt(commits.get(String(sh.shard))) : "-",
    ]));
    const secs = new Map(all(s, "bunker_command_duration_seconds_total").map((e) => [e.labels.command, e.value]));
    const failed = new Map(all(s, "bunker_command_failed_calls_total").map((e) => [e.labels.command, e.value]));
    const rejected = new Map(all(s, "bunker_command_rejected_calls_total").map((e) => [e.labels.command, e.value]));
    const calls = all(s, "bunker_command_calls_total").sort((a, b) => b.value - a.value).slice(0, 15);
    rows("cmds", calls.map((e) => {
      const c = e.labels.command;
      return [c, fmt(e.value), e.value === 0 ? "-" : ((secs.get(c) ?? 0) * 1e6 / e.value).toFixed(2), fmt(failed.get(c) ?? 0), fmt(rejected.get(c) ?? 0)];
    }));
    set("updated", "Last update " + new Date().toLocaleTimeString() + ".");
  } catch (e) {
    const status = document.getElementById("status");
    status.textContent = "down";
    status.className = "down";
    set("problems", "cannot reach the server: " + e);
  }
}
refresh();
setInterval(refresh, 1000);
</script>
</body>
</html>
`;
