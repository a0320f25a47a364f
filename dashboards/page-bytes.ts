// What a built page transfers: the page's HTML plus every file it references — stylesheets, module
// scripts and their preloads (the Framework lists every static import as a modulepreload), and the data
// files it fetches from the data published beside the site (every `loadData("<name>")` with a fixed
// name in the page's code, read from the current data build; a city page /miasto?c=<id> also its
// centre/<id>.json) — counted raw and gzip-compressed (as `npm run dashboards` and any
// real web server send them). Files fetched only on demand (a wasm a worker loads, a download link) are
// not part of the page's load and are not counted.
//
//   npx tsx dashboards/page-bytes.ts [--data DIR] [--build] [--page /] [--json]
//
// From code (e.g. the benchmark): `measureBuiltPage({ dataDir, build: true, page: "/" })`.
import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { dirname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import { dataPaths } from "../lib/config.ts";

export interface PageFile {
  /** path inside the site directory */
  path: string;
  kind: "page" | "stylesheet" | "script" | "data";
  bytes: number;
  gzip_bytes: number;
}

export interface PageBytes {
  page: string;
  site: string;
  files: PageFile[];
  bytes: number;
  gzip_bytes: number;
  /** bytes of the FileAttachments alone (the loaders' output) */
  data_bytes: number;
  data_gzip_bytes: number;
}

/** The HTML file the Framework wrote for a page path: "/" → index.html, "/kadry" → kadry.html. */
function htmlFileOf(site: string, page: string): string {
  const clean = page.replace(/^\/+|\/+$/g, "");
  const candidates = clean === "" ? ["index.html"] : [`${clean}.html`, join(clean, "index.html")];
  for (const c of candidates) if (existsSync(join(site, c))) return join(site, c);
  throw new Error(`no built page ${page} in ${site} (looked for ${candidates.join(", ")})`);
}

/** Local files referenced by a built page: href/src of links and scripts, and registered FileAttachments. */
export function referencedFiles(html: string): { ref: string; kind: PageFile["kind"] }[] {
  const out = new Map<string, PageFile["kind"]>();
  for (const m of html.matchAll(/<link\b[^>]*\bhref="([^"]+)"[^>]*>/g)) {
    const tag = m[0];
    const ref = m[1] as string;
    if (/rel="(stylesheet|preload)"/.test(tag) && /\.css(\?|$)/.test(ref)) out.set(ref, "stylesheet");
    else if (/rel="modulepreload"/.test(tag)) out.set(ref, "script");
  }
  for (const m of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)) out.set(m[1] as string, "script");
  // static imports in the page's inline module script (the client, components)
  for (const m of html.matchAll(/\bimport\b[^"']*["'](\.{1,2}\/[^"']+\.js)["']/g))
    out.set(m[1] as string, "script");
  // the published data the page's code fetches by a fixed name (components/published-data.ts)
  for (const m of html.matchAll(/\bloadData\(\s*"([^"$]+)"\s*\)/g)) out.set(`published-data:${m[1]}`, "data");
  for (const m of html.matchAll(/registerFile\(\s*"[^"]*",\s*(\{[^}]*\})/g)) {
    const path = /"path":"([^"]+)"/.exec(m[1] as string)?.[1];
    if (path) out.set(path, "data");
  }
  return [...out]
    .filter(([ref]) => !/^(?:[a-z-]+:)?\/\//i.test(ref) && !ref.startsWith("data:"))
    .map(([ref, kind]) => ({ ref, kind }));
}

/** The current build of the data published beside `site` (internal, else public); null when none. */
async function publishedDataDir(site: string): Promise<string | null> {
  const { readPointer } = await import("./publish-data.ts");
  for (const variant of ["internal", "public"]) {
    const base = join(dirname(resolve(site)), "data", variant);
    const pointer = await readPointer(base);
    if (pointer) return join(base, pointer.buildId);
  }
  return null;
}

/** Bytes a built page transfers on a cold load (raw and gzip), file by file. */
export async function pageBytes(site: string, page = "/"): Promise<PageBytes> {
  const root = resolve(site);
  const [pagePath, query] = page.split("?");
  const htmlPath = htmlFileOf(root, pagePath ?? "/");
  const html = await readFile(htmlPath, "utf8");
  const files: PageFile[] = [];
  const count = async (path: string, kind: PageFile["kind"]) => {
    const body = await readFile(path);
    files.push({
      path: path.slice(root.length + 1),
      kind,
      bytes: body.length,
      gzip_bytes: gzipSync(body).length,
    });
  };
  await count(htmlPath, "page");
  const seen = new Set<string>([htmlPath]);
  const refs = referencedFiles(html);
  const centre = new URLSearchParams(query ?? "").get("c");
  if (centre) refs.push({ ref: `published-data:centre/${centre}.json`, kind: "data" });
  const dataDir = refs.some((r) => r.ref.startsWith("published-data:")) ? await publishedDataDir(root) : null;
  for (const { ref, kind } of refs) {
    if (ref.startsWith("published-data:")) {
      const name = ref.slice("published-data:".length);
      // the city page's list of centres is fetched only without a centre
      if (centre && name === "centres.json") continue;
      if (!dataDir) throw new Error(`${page} fetches ${name}, and no data is published beside ${root}`);
      const path = join(dataDir, name);
      if (seen.has(path)) continue;
      seen.add(path);
      const body = await readFile(path);
      files.push({ path: `data/${name}`, kind, bytes: body.length, gzip_bytes: gzipSync(body).length });
      continue;
    }
    const path = normalize(join(dirname(htmlPath), decodeURIComponent(ref.split(/[?#]/)[0] as string)));
    if (seen.has(path) || !(path === root || path.startsWith(root + sep))) continue;
    seen.add(path);
    if (!(await stat(path).catch(() => null))?.isFile())
      throw new Error(`${page} references ${ref}, which is not in the built site`);
    await count(path, kind);
  }
  const sum = (fs: PageFile[], k: "bytes" | "gzip_bytes") => fs.reduce((n, f) => n + f[k], 0);
  const data = files.filter((f) => f.kind === "data");
  return {
    page,
    site: root,
    files,
    bytes: sum(files, "bytes"),
    gzip_bytes: sum(files, "gzip_bytes"),
    data_bytes: sum(data, "bytes"),
    data_gzip_bytes: sum(data, "gzip_bytes"),
  };
}

/**
 * Build the site against a data directory (its published snapshot) when asked or when none is built,
 * then measure a page. OBS_DATA_DIR is set for the build and restored afterwards.
 */
export async function measureBuiltPage({
  dataDir,
  page = "/",
  build = false,
  log,
}: {
  dataDir?: string;
  page?: string;
  build?: boolean;
  log?: (line: string) => void;
} = {}): Promise<PageBytes & { build_seconds: number | null }> {
  const previous = process.env.OBS_DATA_DIR;
  if (dataDir) process.env.OBS_DATA_DIR = resolve(dataDir);
  try {
    const site = join(dataPaths().dashboards, "site");
    let buildSeconds: number | null = null;
    if (build || !existsSync(join(site, "index.html"))) {
      const started = performance.now();
      const { buildDashboards } = await import("./build.ts");
      await buildDashboards({ log });
      buildSeconds = (performance.now() - started) / 1000;
    }
    return { ...(await pageBytes(site, page)), build_seconds: buildSeconds };
  } finally {
    if (dataDir) {
      if (previous === undefined) delete process.env.OBS_DATA_DIR;
      else process.env.OBS_DATA_DIR = previous;
    }
  }
}

const usage = `Usage: npx tsx dashboards/page-bytes.ts [--data DIR] [--build] [--page /] [--json]

Bytes a built dashboards page transfers on a cold load: its HTML, stylesheets, scripts and the data
files of its FileAttachments, raw and gzip. Builds the site first with --build (or when none is built).

Options:
  --data DIR   data directory (default $OBS_DATA_DIR or ./data)
  --build      build the site from the published snapshot first
  --page PATH  the page (default /, the first page)
  --json       print one JSON object`;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({
    options: {
      data: { type: "string" },
      build: { type: "boolean" },
      page: { type: "string", default: "/" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const r = await measureBuiltPage({
    dataDir: values.data,
    page: values.page,
    build: values.build,
    log: (l) => process.stderr.write(`${l}\n`),
  });
  if (values.json) console.log(JSON.stringify(r));
  else {
    const kB = (n: number) => `${(n / 1024).toFixed(1)} kB`;
    for (const f of [...r.files].sort((a, b) => b.bytes - a.bytes).slice(0, 15))
      console.log(
        `  ${kB(f.bytes).padStart(10)} ${kB(f.gzip_bytes).padStart(10)} gzip  ${f.kind.padEnd(10)} ${f.path}`,
      );
    console.log(
      `${r.page}: ${r.files.length} files, ${kB(r.bytes)} (${kB(r.gzip_bytes)} gzip); data ${kB(r.data_bytes)} (${kB(r.data_gzip_bytes)} gzip)`,
    );
  }
}
