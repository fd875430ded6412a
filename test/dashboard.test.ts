// /dashboard in a real browser: headless Chromium (Debian's package, installed by scripts/setup.sh
// --with-redis) loads the page from a real server, runs its script (which fetches /health and /metrics)
// for a few seconds of virtual time, and the rendered DOM must show the server's state.
import { afterAll, beforeAll, expect, test } from "bun:test";
import Redis from "ioredis";
import { freePort, startBunker, type ServerHandle } from "./support/servers.ts";

const chromium = Bun.which("chromium") ?? Bun.which("chromium-browser") ?? Bun.which("google-chrome");

let bunker: ServerHandle;
let httpPort: number;
beforeAll(async () => {
  httpPort = await freePort();
  bunker = await startBunker({ args: ["--shards", "2", "--http-port", String(httpPort)] });
});
afterAll(async () => {
  await bunker?.stop();
  await bunker?.removeDir();
});

/** The page's DOM after Chromium ran it for `budgetMs` of virtual time. */
async function renderedDom(url: string, budgetMs: number): Promise<string> {
  if (chromium === null) throw new Error("no chromium on PATH: scripts/setup.sh --with-redis installs Debian's chromium");
  const profile = `/tmp/bunker-chromium-${process.pid}-${Date.now()}`;
  const p = Bun.spawn(
    [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", `--user-data-dir=${profile}`, `--virtual-time-budget=${budgetMs}`, "--dump-dom", url],
    { stdout: "pipe", stderr: "pipe" },
  );
  const timer = setTimeout(() => p.kill("SIGKILL"), 60_000);
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  clearTimeout(timer);
  await Bun.spawn(["rm", "-rf", profile]).exited;
  if (code !== 0) throw new Error(`chromium exited ${code}: ${err.slice(-2000)}`);
  return out;
}

const textOf = (dom: string, id: string): string | undefined => new RegExp(`id="${id}"[^>]*>([^<]*)<`).exec(dom)?.[1];

test("the dashboard shows the server's status, keys, databases, shards and commands", async () => {
  const c = new Redis({ port: bunker.port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0 });
  await c.connect();
  for (let i = 0; i < 12; i++) await c.set(`k${i}`, "v");
  await c.set("ttl", "v", "EX", 1000);
  await c.select(4);
  await c.hset("h", "f", "v");
  await c.lpush("h", "x").catch(() => {});
  c.disconnect();

  const page = await fetch(`http://127.0.0.1:${httpPort}/dashboard`);
  expect(page.status).toBe(200);
  expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");

  const dom = await renderedDom(`http://127.0.0.1:${httpPort}/dashboard`, 3000);
  expect(dom).toContain('id="status" class="ok">ok<');
  expect(textOf(dom, "keys")).toBe("14");
  expect(textOf(dom, "clients")).toBe("0");
  expect(textOf(dom, "maxmemory")).toBe("no limit");
  expect(textOf(dom, "problems")).toBe("");
  // A second refresh ran: commands/s is a number, not the placeholder.
  expect(textOf(dom, "ops")).toMatch(/^\d[\d,]*$/);
  expect(dom).toMatch(/<tr><td>db0<\/td><td>13<\/td><td>1<\/td><\/tr>/);
  expect(dom).toMatch(/<tr><td>db4<\/td><td>1<\/td><td>0<\/td><\/tr>/);
  expect(dom).toMatch(/<tr><td>0<\/td><td>ok<\/td><td>this node \(standalone\)<\/td>/);
  expect(dom).toMatch(/<tr><td>1<\/td><td>ok<\/td>/);
  expect(dom).toMatch(/<tr><td>set<\/td><td>13<\/td><td>[\d.]+<\/td><td>0<\/td><td>0<\/td><\/tr>/);
  expect(dom).toMatch(/<tr><td>lpush<\/td><td>1<\/td><td>[\d.]+<\/td><td>1<\/td><td>0<\/td><\/tr>/);
}, 90_000);

test("the dashboard says so when the server is gone", async () => {
  await bunker.stop();
  const port = await freePort();
  // A page served by a server that then stops: serve the same HTML from a throwaway server, with no
  // /health or /metrics behind it.
  const { dashboardHtml } = await import("../src/server/dashboard.ts");
  const stub = Bun.serve({ port, hostname: "127.0.0.1", fetch: (req) => (new URL(req.url).pathname === "/dashboard" ? new Response(dashboardHtml, { headers: { "content-type": "text/html" } }) : new Response("gone", { status: 503 })) });
  try {
    const dom = await renderedDom(`http://127.0.0.1:${port}/dashboard`, 2000);
    expect(dom).toContain('id="status" class="down">down<');
    expect(textOf(dom, "problems")).toStartWith("cannot reach the server");
  } finally {
    void stub.stop(true);
  }
}, 90_000);
