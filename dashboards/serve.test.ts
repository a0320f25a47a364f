// The dashboards' web server (dashboards/serve.ts, and the service's pipelines/http.ts on top of it):
// GET and HEAD only, only to the Host names of its address, a file replaced or removed while it is
// read fails that request and never the server, and off loopback a warning and the public build only.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { type IncomingHttpHeaders, request, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { serveDashboards } from "../pipelines/http.ts";
import { BUILD_INFO_FILE, serveSite } from "./serve.ts";

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request with the method and Host header given (fetch cannot set Host; "" sends none). */
function ask(
  url: string,
  opts: { method?: string; host?: string; path?: string; gzip?: boolean } = {},
): Promise<Answer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: hostname,
        port,
        path: opts.path ?? "/",
        method: opts.method ?? "GET",
        // "": no Host header at all
        setHost: opts.host !== "",
        headers: {
          ...(opts.host ? { host: opts.host } : {}),
          ...(opts.gzip ? { "accept-encoding": "gzip" } : {}),
        },
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => {
          body += c;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    // a server that never answers (a handler that died) fails the request, not the whole test run
    req.setTimeout(15_000, () => req.destroy(new Error("no answer")));
    req.end(opts.method === "POST" || opts.method === "PUT" ? "x=1" : undefined);
  });
}

const INDEX = "<!doctype html><title>Obserwatorium</title><p>wewnętrzne: 3 rodziny</p>";

function makeSite(build?: { public: boolean }): string {
  const root = mkdtempSync(join(tmpdir(), "obs-serve-"));
  writeFileSync(join(root, "index.html"), INDEX);
  writeFileSync(join(root, "404.html"), "<!doctype html><p>Nie ma takiej strony</p>");
  mkdirSync(join(root, "data"));
  writeFileSync(join(root, "data", "big.csv"), "a,b\n".repeat(50_000));
  if (build) writeFileSync(join(root, BUILD_INFO_FILE), JSON.stringify(build));
  return root;
}

describe("the dashboards server", () => {
  const servers: Server[] = [];
  const dirs: string[] = [];
  const crashes: unknown[] = [];
  const onCrash = (e: unknown) => crashes.push(e);
  const start = async (root: string, opts: Parameters<typeof serveSite>[1] = {}) => {
    const served = await serveSite(root, opts);
    servers.push(served.server);
    return served;
  };

  beforeAll(() => {
    process.on("unhandledRejection", onCrash);
    process.on("uncaughtException", onCrash);
  });
  afterAll(() => {
    process.off("unhandledRejection", onCrash);
    process.off("uncaughtException", onCrash);
    for (const s of servers) s.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  afterEach(() => expect(crashes).toEqual([]));

  it("answers GET and HEAD, and 405 with Allow to every other method", async () => {
    const root = makeSite();
    dirs.push(root);
    const { url } = await start(root);
    expect((await ask(url)).status).toBe(200);
    expect((await ask(url)).body).toBe(INDEX);
    const head = await ask(url, { method: "HEAD" });
    expect([head.status, head.body]).toEqual([200, ""]);
    for (const method of ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"]) {
      const r = await ask(url, { method });
      expect([method, r.status]).toEqual([method, 405]);
      expect(r.headers.allow).toBe("GET, HEAD");
      expect(r.body).not.toContain("Obserwatorium");
    }
  });

  it("answers only to the Host names of its loopback address and port", async () => {
    const root = makeSite();
    dirs.push(root);
    const { url } = await start(root);
    const port = new URL(url).port;
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, `LOCALHOST:${port}`])
      expect([host, (await ask(url, { host })).status]).toEqual([host, 200]);
    // a DNS name rebound to 127.0.0.1 (what a page of another site would send), another port
    for (const host of [
      `evil.example:${port}`,
      "evil.example",
      `localhost:${Number(port) + 1}`,
      "localhost",
    ]) {
      const r = await ask(url, { host });
      expect([host, r.status]).toEqual([host, 421]);
      expect(r.body).not.toContain("Obserwatorium");
    }
    // no Host at all: Node's own 400
    expect((await ask(url, { host: "" })).status).toBe(400);
  });

  it("stays up while a file is replaced by a directory, a link or nothing between check and read", async () => {
    const root = makeSite();
    dirs.push(root);
    const { url } = await start(root);
    const flapping = join(root, "data", "flap.csv");
    writeFileSync(flapping, "x,y\n".repeat(20_000));
    // Another process swaps the file all the time: removed, a directory, a dangling link, a file again.
    const swapper: ChildProcess = spawn(
      "sh",
      [
        "-c",
        `cd '${join(root, "data")}' && while :; do rm -rf flap.csv; mkdir flap.csv; rmdir flap.csv; ln -s gone flap.csv; rm -f flap.csv; cp big.csv flap.csv; done`,
      ],
      { stdio: "ignore" },
    );
    try {
      const statuses = new Set<number>();
      for (let round = 0; round < 40; round++) {
        const answers = await Promise.allSettled(
          Array.from({ length: 25 }, (_, i) => ask(url, { path: "/data/flap.csv", gzip: i % 2 === 0 })),
        );
        for (const a of answers) if (a.status === "fulfilled") statuses.add(a.value.status);
      }
      // every request that got an answer got a file or a "not found" (a cut-off body is a destroyed socket)
      expect([...statuses].every((s) => [200, 404, 500].includes(s))).toBe(true);
    } finally {
      swapper.kill("SIGKILL");
    }
    expect((await ask(url)).status).toBe(200);
    expect((await ask(url, { path: "/data/big.csv" })).body.length).toBe(4 * 50_000);
  });

  it("answers 404 for a directory, a dot file and a missing file, and the server stays up", async () => {
    const root = makeSite({ public: true });
    dirs.push(root);
    mkdirSync(join(root, "empty"));
    const { url } = await start(root);
    for (const path of ["/data", "/empty", `/${BUILD_INFO_FILE}`, "/nie-ma", "/%E0%A4%A", "/../etc/passwd"]) {
      const r = await ask(url, { path });
      expect([path, r.status]).toEqual([path, path === "/%E0%A4%A" ? 400 : 404]);
    }
    expect((await ask(url)).status).toBe(200);
  });

  it("off loopback, warns and serves only a public build unless the internal one is asked for", async () => {
    const internalSite = makeSite({ public: false });
    const unmarked = makeSite();
    const publicSite = makeSite({ public: true });
    dirs.push(internalSite, unmarked, publicSite);
    for (const [root, internal, served] of [
      [internalSite, false, false],
      [unmarked, false, false],
      [publicSite, false, true],
      [internalSite, true, true],
    ] as const) {
      const lines: string[] = [];
      const { url } = await start(root, { host: "0.0.0.0", internal, log: (l) => lines.push(l) });
      const port = new URL(url).port;
      expect(lines.join("\n")).toMatch(/^Warning: .*0\.0\.0\.0.*not loopback/m);
      if (internal) expect(lines.join("\n")).toMatch(/INTERNAL/);
      const r = await ask(`http://127.0.0.1:${port}`, { host: `127.0.0.1:${port}` });
      expect([root, r.status]).toEqual([root, served ? 200 : 503]);
      if (served) expect(r.body).toBe(INDEX);
      else expect(r.body).not.toContain("3 rodziny");
      const data = await ask(`http://127.0.0.1:${port}`, {
        host: `127.0.0.1:${port}`,
        path: "/data/big.csv",
      });
      expect(data.status).toBe(served ? 200 : 503);
    }
  });

  it("on loopback prints no warning", async () => {
    const root = makeSite();
    dirs.push(root);
    const lines: string[] = [];
    await start(root, { log: (l) => lines.push(l) });
    expect(lines).toEqual([]);
  });

  it("the service's server applies the same checks before its not-built page", async () => {
    const data = mkdtempSync(join(tmpdir(), "obs-serve-data-"));
    dirs.push(data);
    const previous = process.env.OBS_DATA_DIR;
    process.env.OBS_DATA_DIR = data;
    try {
      const { server, url } = await serveDashboards({
        port: 0,
        host: "127.0.0.1",
        internal: false,
        log: () => {},
      });
      servers.push(server);
      expect((await ask(url)).status).toBe(503);
      const post = await ask(url, { method: "POST" });
      expect([post.status, post.headers.allow]).toEqual([405, "GET, HEAD"]);
      expect((await ask(url, { host: "rebound.example" })).status).toBe(421);
    } finally {
      process.env.OBS_DATA_DIR = previous;
    }
  });

  it("serves the data published beside the site: the pointer, a named build, the current one; public only off loopback", async () => {
    const dashboards = mkdtempSync(join(tmpdir(), "obs-serve-data-"));
    dirs.push(dashboards);
    const root = join(dashboards, "site");
    mkdirSync(root);
    writeFileSync(join(root, "index.html"), INDEX);
    writeFileSync(join(root, BUILD_INFO_FILE), JSON.stringify({ sourceHash: "abc", siteBuildId: "abc-1" }));
    const publish = (variant: string, buildId: string, body: string) => {
      const dir = join(dashboards, "data", variant, buildId);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "overview.json"), body);
      writeFileSync(
        join(dashboards, "data", variant, "current.json"),
        JSON.stringify({
          buildId,
          public: variant === "public",
          publishedAt: "2026-12-03T12:00:00Z",
          warehousePublishedAt: "2026-12-03T12:00:00Z",
        }),
      );
    };
    publish("internal", "20261203T120000000Z-1", '{"who":"internal"}');
    const local = await start(root);
    const get = (url: string, path: string) => ask(url, { host: new URL(url).host, path });
    expect(JSON.parse((await get(local.url, "/data/current.json")).body).buildId).toBe(
      "20261203T120000000Z-1",
    );
    expect((await get(local.url, "/data/overview.json")).body).toBe('{"who":"internal"}');
    expect((await get(local.url, "/data/20261203T120000000Z-1/overview.json")).body).toBe(
      '{"who":"internal"}',
    );
    expect((await get(local.url, "/data/20261203T120000000Z-9/overview.json")).status).toBe(404);
    const moved = await get(local.url, "/miasto/wroclaw");
    expect([moved.status, moved.headers.location]).toEqual([301, "/miasto?c=wroclaw"]);

    // off loopback: the internal data is never served; once public data is published, that one is
    const open = await start(root, { host: "0.0.0.0", internal: false, log: () => {} });
    const port = new URL(open.url).port;
    const offLoopback = (path: string) =>
      ask(`http://127.0.0.1:${port}`, { host: `127.0.0.1:${port}`, path });
    expect((await offLoopback("/")).status).toBe(503);
    const hidden = await offLoopback("/data/overview.json");
    expect([hidden.status, hidden.body.includes("internal")]).toEqual([404, false]);
    publish("public", "20261203T130000000Z-2", '{"who":"public"}');
    expect((await offLoopback("/")).status).toBe(200);
    expect((await offLoopback("/data/overview.json")).body).toBe('{"who":"public"}');
    expect(JSON.parse((await offLoopback("/data/current.json")).body).public).toBe(true);
  });

  it("serves the briefs printed from the data it shows, and an empty list of them while there is none", async () => {
    const dashboards = mkdtempSync(join(tmpdir(), "obs-serve-briefs-"));
    dirs.push(dashboards);
    const root = join(dashboards, "site");
    mkdirSync(root);
    writeFileSync(join(root, "index.html"), INDEX);
    writeFileSync(join(root, BUILD_INFO_FILE), JSON.stringify({ sourceHash: "abc", siteBuildId: "abc-1" }));
    const briefsRoot = join(dashboards, "briefs");
    const publish = (variant: string, buildId: string) => {
      mkdirSync(join(dashboards, "data", variant, buildId), { recursive: true });
      writeFileSync(
        join(dashboards, "data", variant, "current.json"),
        JSON.stringify({
          buildId,
          public: variant === "public",
          publishedAt: "2026-12-03T12:00:00Z",
          warehousePublishedAt: "2026-12-03T12:00:00Z",
        }),
      );
    };
    const print = (variant: string, centre: string, body: string) => {
      const dir = join(briefsRoot, variant);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${centre}.pdf`), body);
      writeFileSync(join(dir, `.${centre}.pdf.1.part`), "half");
      const entry = { file: `${centre}.pdf`, madeAt: "2026-12-03T12:00:00Z", dataBuildId: "x", pages: 2 };
      writeFileSync(join(dir, "index.json"), JSON.stringify({ briefs: { [centre]: entry } }));
    };
    publish("internal", "20261203T120000000Z-1");
    const local = await start(root, { briefsRoot });
    const get = (url: string, path: string) => ask(url, { host: new URL(url).host, path });
    const none = await get(local.url, "/briefs/index.json");
    expect([none.status, none.headers["content-type"], JSON.parse(none.body)]).toEqual([
      200,
      "application/json; charset=utf-8",
      { briefs: {} },
    ]);
    expect((await get(local.url, "/briefs/wroclaw.pdf")).status).toBe(404);

    print("internal", "wroclaw", "%PDF-internal");
    const pdf = await get(local.url, "/briefs/wroclaw.pdf");
    expect([pdf.status, pdf.headers["content-type"], pdf.body]).toEqual([
      200,
      "application/pdf",
      "%PDF-internal",
    ]);
    expect(Object.keys(JSON.parse((await get(local.url, "/briefs/index.json")).body).briefs)).toEqual([
      "wroclaw",
    ]);
    expect((await get(local.url, "/briefs/.wroclaw.pdf.1.part")).status).toBe(404);

    // off loopback the public data only, so only briefs printed from it: never one with small counts
    publish("public", "20261203T130000000Z-2");
    const open = await start(root, { host: "0.0.0.0", internal: false, log: () => {}, briefsRoot });
    const port = new URL(open.url).port;
    const offLoopback = (path: string) =>
      ask(`http://127.0.0.1:${port}`, { host: `127.0.0.1:${port}`, path });
    const hidden = await offLoopback("/briefs/wroclaw.pdf");
    expect([hidden.status, hidden.body.includes("internal")]).toEqual([404, false]);
    expect(JSON.parse((await offLoopback("/briefs/index.json")).body)).toEqual({ briefs: {} });
    print("public", "wroclaw", "%PDF-public");
    expect((await offLoopback("/briefs/wroclaw.pdf")).body).toBe("%PDF-public");
    expect((await get(local.url, "/briefs/wroclaw.pdf")).body).toBe("%PDF-internal");
  });
});
