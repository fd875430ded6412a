// The embedded API: the same engine in process, typed, durable, reopened from the same directory.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { open, BunkerError } from "../src/embedded/index.ts";

const dirs: string[] = [];
function freshDir(): string {
  const d = mkdtempSync(join(tmpdir(), "bunker-embedded-"));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test("set, get, del and options work and survive reopening", async () => {
  const dir = freshDir();
  let db = await open({ dir });
  expect(await db.set("a", "1")).toBe(true);
  expect(await db.set("a", "2", { nx: true })).toBe(false);
  expect(await db.set("b", "héllo")).toBe(true);
  expect(await db.set("gone", "x")).toBe(true);
  expect(await db.del("gone", "missing")).toBe(1);
  expect(await db.get("a")).toBe("1");
  await db.close();
  db = await open({ dir });
  expect(await db.get("a")).toBe("1");
  expect(await db.get("b")).toBe("héllo");
  expect(await db.get("gone")).toBeNull();
  await db.close();
});

test("errors are typed with Redis's code", async () => {
  const db = await open({ dir: freshDir() });
  await db.command("SET", "s", "x");
  const err = await db.command("NOSUCH").catch((e: unknown) => e);
  expect(err).toBeInstanceOf(BunkerError);
  expect((err as BunkerError).code).toBe("ERR");
  await db.close();
});

test("multi runs commands as one unit", async () => {
  const db = await open({ dir: freshDir() });
  const replies = await db.multi([
    ["SET", "x", "1"],
    ["SET", "{x}y", "2"],
    ["GET", "x"],
  ]);
  expect(replies.length).toBe(3);
  expect(await db.get("{x}y")).toBe("2");
  await db.close();
});

test("listen serves RESP from the same engine", async () => {
  const db = await open({ dir: freshDir() });
  await db.set("shared", "yes");
  const srv = await db.listen({ port: 0 });
  const sock = await Bun.connect({
    hostname: "127.0.0.1",
    port: srv.port,
    socket: { data() {} },
  });
  const reply = await new Promise<string>((resolve) => {
    sock.data = undefined;
    const chunks: string[] = [];
    const s2 = Bun.connect({
      hostname: "127.0.0.1",
      port: srv.port,
      socket: {
        data(_s, d) {
          chunks.push(Buffer.from(d).toString());
          if (chunks.join("").endsWith("yes\r\n")) resolve(chunks.join(""));
        },
        open(s) {
          s.write("GET shared\r\n");
        },
      },
    });
    void s2;
  });
  expect(reply).toBe("$3\r\nyes\r\n");
  sock.end();
  await srv.stop();
  await db.close();
});

test("listen with httpPort serves /health and /metrics for the embedded engine", async () => {
  const db = await open({ dir: freshDir() });
  await db.set("a", "1");
  const srv = await db.listen({ port: 0, httpPort: 0 });
  expect(srv.httpPort).toBeGreaterThan(0);
  const health = await fetch(`http://127.0.0.1:${srv.httpPort}/health`);
  expect(health.status).toBe(200);
  expect(((await health.json()) as { status: string }).status).toBe("ok");
  const metrics = await (await fetch(`http://127.0.0.1:${srv.httpPort}/metrics`)).text();
  expect(metrics).toContain('bunker_db_keys{db="0"} 1\n');
  await srv.stop();
  await expect(fetch(`http://127.0.0.1:${srv.httpPort}/health`)).rejects.toThrow();
  await db.close();
});
