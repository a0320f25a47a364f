// Serve the built dashboards (a static site) on 127.0.0.1: `npm run dashboards`. Clean URLs as the
// Framework writes them (/porownanie → porownanie.html), nothing but files under the site directory.
import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { dataPaths } from "../lib/config.ts";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".wasm": "application/wasm",
  ".arrow": "application/vnd.apache.arrow.stream",
  ".parquet": "application/vnd.apache.parquet",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

/** Sent gzipped when the browser accepts it, as any real web server would (compressed once, kept in memory). */
const COMPRESSIBLE = new Set([".html", ".js", ".css", ".json", ".csv", ".arrow", ".svg", ".wasm"]);
const gzipped = new Map<string, { mtimeMs: number; body: Buffer }>();

async function gzippedFile(path: string, mtimeMs: number): Promise<Buffer> {
  const cached = gzipped.get(path);
  if (cached?.mtimeMs === mtimeMs) return cached.body;
  const body = gzipSync(await readFile(path));
  gzipped.set(path, { mtimeMs, body });
  return body;
}

async function resolveFile(root: string, urlPath: string): Promise<string | null> {
  const clean = normalize(decodeURIComponent(urlPath)).replace(/^(\.\.(\/|\\|$))+/, "");
  const base = join(root, clean);
  if (base !== root && !base.startsWith(root + sep)) return null;
  for (const candidate of [base, `${base}.html`, join(base, "index.html")]) {
    const s = await stat(candidate).catch(() => null);
    if (s?.isFile()) return candidate;
  }
  return null;
}

/** Start serving `root`; resolves with the server and its base URL once it listens. */
export async function serveSite(
  root: string,
  { port = 0, host = "127.0.0.1" }: { port?: number; host?: string } = {},
): Promise<{ server: Server; url: string }> {
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    const file = await resolveFile(root, path).catch(() => null);
    const target = file ?? (await resolveFile(root, "/404"));
    if (!target) {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("Nie znaleziono");
      return;
    }
    const { size, mtimeMs } = await stat(target);
    const headers: Record<string, string | number> = {
      "content-type": TYPES[extname(target)] ?? "application/octet-stream",
      // hashed assets (/_node, /_file, /_import, /_observablehq) never change; pages and data do
      "cache-control": /\/_(node|file|import|observablehq)\//.test(path)
        ? "public, max-age=31536000, immutable"
        : "no-cache",
      vary: "accept-encoding",
    };
    const status = file ? 200 : 404;
    if (COMPRESSIBLE.has(extname(target)) && /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""))) {
      const body = await gzippedFile(target, mtimeMs);
      res.writeHead(status, { ...headers, "content-encoding": "gzip", "content-length": body.length });
      res.end(req.method === "HEAD" ? undefined : body);
      return;
    }
    res.writeHead(status, { ...headers, "content-length": size });
    if (req.method === "HEAD") res.end();
    else createReadStream(target).pipe(res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  const { port: actual } = server.address() as AddressInfo;
  return { server, url: `http://${host}:${actual}` };
}

const usage = `Usage: npm run dashboards [-- --port 3000]

Serve the built dashboards ($OBS_DATA_DIR/dashboards/site, made by \`npm run build\`) on
http://127.0.0.1:<port>. Stop with Ctrl+C.

Options:
  -p, --port    port (default 3000)
  -h, --help    show this help

Environment:
  OBS_DATA_DIR  data directory (default ./data)`;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { runCommand, progress } = await import("../cli/command.ts");
  await runCommand(
    {
      usage,
      options: {
        port: { type: "string", short: "p", default: "3000" },
        help: { type: "boolean", short: "h" },
      },
    },
    async ({ values }) => {
      const root = join(dataPaths().dashboards, "site");
      if (!(await stat(join(root, "index.html")).catch(() => null)))
        throw new Error(`no built dashboards in ${root}; run \`npm run build\` first`);
      const { url } = await serveSite(root, { port: Number(values.port) });
      progress(`Serving ${root} at ${url} (Ctrl+C to stop)`);
      await new Promise(() => {});
      return 0;
    },
  );
}
