// Serve the built dashboards (a static site): `npm run dashboards`, and the service's web server
// (pipelines/http.ts). Clean URLs as the Framework writes them (/porownanie → porownanie.html), nothing
// but files under the site directory, GET and HEAD only, and only to the Host names of the address it
// listens on: a page on another site cannot read it through a DNS name rebound to 127.0.0.1.
//
// The site holds no data: /data/… is answered from the data published with the warehouse
// ($OBS_DATA_DIR/dashboards/data/<variant>/, dashboards/publish-data.ts): /data/current.json is the
// current build of the data, /data/<build-id>/<file> a file of that build (never changes: cached), and
// /data/<file> the current build's file (download links). The old city addresses /miasto/<id> redirect
// to the one city page template, /miasto?c=<id>. /briefs/… are the committee briefs printed from the data
// it serves ($OBS_DATA_DIR/briefs/<variant>/, dashboards/brief-index.ts), /briefs/index.json the list of
// them the city page reads to link its PDF (an empty list while there is none).
//
// On loopback (the default) it serves the internal data when there is some, else the public. On any
// other address it warns, and serves only the public data (`npm run build -- --public`: small counts
// hidden), unless the internal one is asked for explicitly (OBS_SERVE_INTERNAL=1 or --serve-internal).
import { type FileHandle, open, readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { type AddressInfo, isIP } from "node:net";
import { hostname, networkInterfaces } from "node:os";
import { basename, dirname, extname, join, normalize, sep } from "node:path";
import { pipeline } from "node:stream";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { z } from "zod";
import { dataPaths } from "../lib/config.ts";
import { BRIEF_INDEX_FILE } from "./brief-index.ts";
import { type DataPointer, type DataVariant, POINTER_FILE, readPointer } from "./publish-data.ts";

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
  ".pdf": "application/pdf",
};

/** What dashboards/build.ts writes into every site it builds; never served (a dot file). */
export const BUILD_INFO_FILE = ".obs-build.json";
export const BuildInfo = z.object({
  /** Sites built before the data was published apart (they held the data): public or internal. */
  public: z.boolean().optional(),
  /** The hash of the code the site was built from (dashboards/build.ts siteSourceHash). */
  sourceHash: z.string().optional(),
  siteBuildId: z.string().optional(),
  builtAt: z.string().optional(),
});
export type BuildInfo = z.infer<typeof BuildInfo>;

/** The build in `root`: public or internal; null when it says nothing (a site built before this file existed). */
export async function readBuildInfo(root: string): Promise<BuildInfo | null> {
  try {
    return BuildInfo.parse(JSON.parse(await readFile(join(root, BUILD_INFO_FILE), "utf8")));
  } catch {
    return null;
  }
}

export const internalByDefault = () => /^(1|true|yes)$/i.test(process.env.OBS_SERVE_INTERNAL ?? "");

/** Sent gzipped when the browser accepts it, as any real web server would (compressed once, kept in memory). */
const COMPRESSIBLE = new Set([".html", ".js", ".css", ".json", ".csv", ".arrow", ".svg", ".wasm"]);
const gzipped = new Map<string, { mtimeMs: number; size: number; body: Buffer }>();

async function gzippedFile(file: OpenFile): Promise<Buffer> {
  const cached = gzipped.get(file.path);
  if (cached?.mtimeMs === file.mtimeMs && cached.size === file.size) return cached.body;
  const body = gzipSync(await file.handle.readFile());
  gzipped.set(file.path, { mtimeMs: file.mtimeMs, size: file.size, body });
  return body;
}

/** A file of the site, opened: what is sent is what was checked, even if the path is replaced meanwhile. */
interface OpenFile {
  path: string;
  handle: FileHandle;
  size: number;
  mtimeMs: number;
}

/** The file a URL path names under `root` (as is, + .html, /index.html), opened; null when there is none. */
export async function openSiteFile(root: string, urlPath: string): Promise<OpenFile | null> {
  const clean = normalize(decodeURIComponent(urlPath)).replace(/^(\.\.(\/|\\|$))+/, "");
  const base = join(root, clean);
  if (base !== root && !base.startsWith(root + sep)) return null;
  // dot files and directories (the build's own notes) are not part of the site
  if (
    base
      .slice(root.length)
      .split(sep)
      .some((part) => part.startsWith("."))
  )
    return null;
  for (const path of [base, `${base}.html`, join(base, "index.html")]) {
    const handle = await open(path, "r").catch(() => null);
    if (!handle) continue;
    // fstat of the open file: a directory, or whatever replaced the path after the open, is not sent
    const s = await handle.stat().catch(() => null);
    if (s?.isFile()) return { path, handle, size: s.size, mtimeMs: s.mtimeMs };
    await handle.close().catch(() => {});
  }
  return null;
}

/** 127.0.0.0/8, ::1 and localhost: reachable from this machine only. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^(::ffff:)?127\.\d+\.\d+\.\d+$/.test(h);
}

const isWildcard = (host: string) => ["", "0.0.0.0", "::", "[::]"].includes(host);
const bracket = (host: string) => (isIP(host) === 6 ? `[${host}]` : host);

/**
 * The Host headers a request may carry: the names of the address the server listens on, with its
 * port (also without it on port 80). Loopback: localhost, 127.0.0.1 and [::1]. A wildcard address:
 * those, this machine's addresses and its host name. Plus `extra` (a DNS name in front of it).
 */
export function allowedHosts(host: string, port: number, extra: readonly string[] = []): Set<string> {
  const names = new Set<string>(extra.map((h) => h.trim().toLowerCase()).filter(Boolean));
  if (isLoopback(host) || isWildcard(host)) for (const h of ["localhost", "127.0.0.1", "[::1]"]) names.add(h);
  if (isWildcard(host)) {
    names.add(hostname().toLowerCase());
    for (const addresses of Object.values(networkInterfaces()))
      for (const a of addresses ?? []) names.add(bracket(a.address.toLowerCase()));
  } else names.add(bracket(host.toLowerCase()));
  const allowed = new Set<string>();
  for (const name of names) {
    allowed.add(`${name}:${port}`);
    if (port === 80) allowed.add(name);
  }
  return allowed;
}

export interface ServeOptions {
  port?: number;
  /** The address to listen on (default 127.0.0.1). */
  host?: string;
  /** Serve an internal build on a non-loopback address too (default: OBS_SERVE_INTERNAL). */
  internal?: boolean;
  /** More Host names to answer to, e.g. the DNS name of a proxy in front (default: OBS_ALLOWED_HOSTS, comma-separated). */
  hostNames?: readonly string[];
  /** The answer while the site has no index.html (not built yet); default: 404. */
  notBuilt?: (req: IncomingMessage, res: ServerResponse) => void;
  /** Where the warning about a non-loopback address and a failed read go (default: stderr). */
  log?: (line: string) => void;
  /** The published data ($OBS_DATA_DIR/dashboards/data, holding internal/ and public/); default: beside `root`. */
  dataRoot?: string;
  /** Serve this variant of the data only (a brief printed from it, dashboards/brief.ts); default: as above. */
  variant?: DataVariant;
  /** The committee briefs ($OBS_DATA_DIR/briefs, holding internal/ and public/); default: beside the data dir. */
  briefsRoot?: string;
}

const text = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
  res.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    "cache-control": "no-cache",
    ...headers,
  });
  res.end(body);
};

const PUBLIC_ONLY = `<!doctype html>
<html lang="pl">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="30">
<title>Obserwatorium — tylko wersja publiczna</title>
<link rel="icon" href="data:,">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40em;margin:4em auto;padding:0 1em;color:#222}</style>
</head>
<body>
<h1>Pod tym adresem serwowana jest tylko publiczna wersja pulpitów</h1>
<p>Serwer jest dostępny z sieci, a zbudowana jest wersja wewnętrzna pulpitów (z liczbami 1–4 osób lub
rodzin). Wersję publiczną buduje <code>npm run build -- --public</code>; usługa <code>npm start</code>
na takim adresie buduje ją sama. Ta strona przeładuje się sama.</p>
</body>
</html>
`;

const FILE_GONE = new Set(["ENOENT", "ENOTDIR", "EISDIR", "ELOOP", "ENAMETOOLONG"]);

/** Start serving `root`; resolves with the server and its base URL once it listens. */
export async function serveSite(
  root: string,
  opts: ServeOptions = {},
): Promise<{ server: Server; url: string }> {
  const host = opts.host ?? "127.0.0.1";
  const log = opts.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const loopback = isLoopback(host);
  const internal = opts.internal ?? internalByDefault();
  const extra =
    opts.hostNames ??
    (process.env.OBS_ALLOWED_HOSTS ?? "")
      .split(",")
      .map((h) => h.trim())
      .filter(Boolean);
  let allowed = new Set<string>();
  const dataRoot = opts.dataRoot ?? join(dirname(root), "data");
  const briefsRoot = opts.briefsRoot ?? join(dirname(dirname(dataRoot)), "briefs");
  const publicOnly = !loopback && !internal;

  /** The data this server shows: public only off loopback; else internal when published, else public (or the one variant asked for). */
  const currentData = async (): Promise<{ dir: string; pointer: DataPointer } | null> => {
    const shown: DataVariant[] = publicOnly ? ["public"] : ["internal", "public"];
    for (const variant of opts.variant ? shown.filter((v) => v === opts.variant) : shown) {
      const dir = join(dataRoot, variant);
      const pointer = await readPointer(dir);
      if (pointer) return { dir, pointer };
    }
    return null;
  };

  /** /data/… : the pointer, a file of a named build, or a file of the current build. */
  const dataFile = async (path: string): Promise<{ file: OpenFile | null; immutable: boolean }> => {
    const data = await currentData();
    // no data published apart: a site from before held its data itself (site/data/…)
    if (!data) return { file: await openSiteFile(root, path), immutable: false };
    const rest = path.slice("/data/".length);
    if (rest === POINTER_FILE)
      return { file: await openSiteFile(data.dir, `/${POINTER_FILE}`), immutable: false };
    const [first, ...others] = rest.split("/");
    if (first && /^[0-9TZ]+-\d+$/.test(first) && others.length > 0) {
      const file = await openSiteFile(join(data.dir, first), `/${others.join("/")}`);
      return { file, immutable: true };
    }
    return { file: await openSiteFile(join(data.dir, data.pointer.buildId), `/${rest}`), immutable: false };
  };

  /** /briefs/… : a brief printed from the data this server shows (null: none, or no data published apart). */
  const briefFile = async (path: string): Promise<OpenFile | null> => {
    const data = await currentData();
    if (!data) return null;
    return openSiteFile(join(briefsRoot, basename(data.dir)), path.slice("/briefs".length));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const requested = String(req.headers.host ?? "").toLowerCase();
    if (!allowed.has(requested)) {
      text(res, 421, "Ten serwer nie odpowiada pod tym adresem (nagłówek Host).\n");
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      text(res, 405, "Dozwolone metody: GET, HEAD.\n", { allow: "GET, HEAD" });
      return;
    }
    const head = req.method === "HEAD";
    if (opts.notBuilt) {
      const index = await openSiteFile(root, "/index.html");
      await index?.handle.close();
      if (!index) return opts.notBuilt(req, res);
    }
    let path: string;
    try {
      path = new URL(req.url ?? "/", "http://localhost").pathname;
      decodeURIComponent(path);
    } catch {
      text(res, 400, "Niepoprawny adres.\n");
      return;
    }
    const oldCityPage = /^\/miasto\/([a-z0-9_-]+)\/?$/.exec(path);
    if (oldCityPage) {
      res.writeHead(301, { location: `/miasto?c=${oldCityPage[1]}`, "cache-control": "no-cache" });
      res.end();
      return;
    }
    const isData = path.startsWith("/data/");
    const isBrief = path.startsWith("/briefs/");
    const data = isData ? await dataFile(path) : null;
    const file = isData
      ? (data?.file ?? null)
      : isBrief
        ? await briefFile(path)
        : await openSiteFile(root, path);
    if (!file && path === `/briefs/${BRIEF_INDEX_FILE}`) {
      // no brief printed yet: an empty list, so the city page shows no link (and no failed request)
      res.writeHead(200, { "content-type": TYPES[".json"] ?? "", "cache-control": "no-cache" });
      res.end(head ? undefined : '{"briefs":{}}\n');
      return;
    }
    const target = file ?? (isData || isBrief ? null : await openSiteFile(root, "/404"));
    if (!target) {
      text(res, 404, "Nie znaleziono\n");
      return;
    }
    let streaming = false;
    try {
      // Off loopback only public data is served: without any, nothing is (a site from before the data was
      // published apart holds it itself, so it is judged by its own build note, read after the file is open).
      const site = publicOnly ? await readBuildInfo(root) : null;
      if (publicOnly && (site?.public === false || (site?.public === undefined && !(await currentData())))) {
        res.writeHead(503, {
          "content-type": "text/html; charset=utf-8",
          "cache-control": "no-cache",
          "retry-after": "30",
        });
        res.end(head ? undefined : PUBLIC_ONLY);
        return;
      }
      const headers: Record<string, string | number> = {
        "content-type": TYPES[extname(target.path)] ?? "application/octet-stream",
        // hashed assets (/_node, /_file, /_import, /_observablehq) never change; pages and data do
        "cache-control":
          /\/_(node|file|import|observablehq)\//.test(path) || data?.immutable
            ? "public, max-age=31536000, immutable"
            : "no-cache",
        vary: "accept-encoding",
      };
      const status = file ? 200 : 404;
      if (
        COMPRESSIBLE.has(extname(target.path)) &&
        /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""))
      ) {
        const body = await gzippedFile(target);
        res.writeHead(status, { ...headers, "content-encoding": "gzip", "content-length": body.length });
        res.end(head ? undefined : body);
        return;
      }
      res.writeHead(status, { ...headers, "content-length": target.size });
      if (head) {
        res.end();
        return;
      }
      streaming = true;
      // pipeline: a read error or a client gone destroys both ends and closes the file, never throws
      pipeline(target.handle.createReadStream({ autoClose: true }), res, (e) => {
        if (e && e.code !== "ERR_STREAM_PREMATURE_CLOSE")
          log(`dashboards: reading ${target.path} failed: ${e.message}`);
      });
    } finally {
      if (!streaming) await target.handle.close().catch(() => {});
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: NodeJS.ErrnoException) => {
      // The file went away or cannot be read: this request fails, the server stays up.
      if (!FILE_GONE.has(e.code ?? "")) log(`dashboards: ${req.url}: ${e.message}`);
      if (res.headersSent) res.destroy();
      else if (FILE_GONE.has(e.code ?? "")) text(res, 404, "Nie znaleziono\n");
      else text(res, 500, "Błąd serwera\n");
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  allowed = allowedHosts(host, port, extra);
  if (!loopback) {
    log(
      internal
        ? `Warning: the dashboards listen on ${host}, not loopback: anyone who can reach it reads the INTERNAL build (every small count), as OBS_SERVE_INTERNAL / --serve-internal asks.`
        : `Warning: the dashboards listen on ${host}, not loopback: anyone who can reach it reads them. Only a public build is served there (npm run build -- --public); OBS_SERVE_INTERNAL=1 or --serve-internal serves the internal one.`,
    );
  }
  const shown = isWildcard(host) ? "127.0.0.1" : bracket(host);
  return { server, url: `http://${shown}:${port}` };
}

const usage = `Usage: npm run dashboards [-- --port 3000] [--host 127.0.0.1] [--serve-internal]

Serve the built dashboards ($OBS_DATA_DIR/dashboards/site, made by \`npm run build\`) on
http://127.0.0.1:<port>. Stop with Ctrl+C. Answers GET and HEAD only (405 otherwise), and only to the
Host names of its address (421 otherwise): localhost, 127.0.0.1, [::1] on loopback.

On an address other than loopback (e.g. --host 0.0.0.0) it prints a warning and serves only a public
build (\`npm run build -- --public\`: counts of 1–4 persons or families hidden); an internal build is
answered with a page saying so (503), unless --serve-internal or OBS_SERVE_INTERNAL=1 asks for it.

Options:
  -p, --port          port (default $PORT or 3000)
  --host              address to listen on (default $HOST or 127.0.0.1)
  --serve-internal    serve the internal build on a non-loopback address too
  -h, --help          show this help

Environment:
  OBS_DATA_DIR        data directory (default ./data)
  PORT, HOST          as --port, --host
  OBS_SERVE_INTERNAL  1: as --serve-internal
  OBS_ALLOWED_HOSTS   more Host names to answer to, comma-separated (a DNS name of a proxy in front)`;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { runCommand, progress, UsageError } = await import("../cli/command.ts");
  await runCommand(
    {
      usage,
      options: {
        port: { type: "string", short: "p" },
        host: { type: "string" },
        "serve-internal": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    },
    async ({ values }) => {
      const port = Number(values.port ?? process.env.PORT ?? 3000);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new UsageError(`not a port: ${values.port ?? process.env.PORT}`);
      const root = join(dataPaths().dashboards, "site");
      const index = await openSiteFile(root, "/index.html");
      await index?.handle.close();
      if (!index) throw new Error(`no built dashboards in ${root}; run \`npm run build\` first`);
      const { url } = await serveSite(root, {
        port,
        host: values.host ?? process.env.HOST ?? "127.0.0.1",
        internal: values["serve-internal"] || internalByDefault(),
        log: progress,
      });
      progress(`Serving ${root} at ${url} (Ctrl+C to stop)`);
      await new Promise(() => {});
      return 0;
    },
  );
}
