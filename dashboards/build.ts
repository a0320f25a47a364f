// The dashboards: their data published from the warehouse snapshot (dashboards/publish-data.ts, on every
// publish) and the site built by Observable Framework into $OBS_DATA_DIR/dashboards/site only when its
// code changed (the pages, components, styles, config or package versions: a hash kept in the site's
// .obs-build.json). The site holds no data; its pages fetch the published data at runtime.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { delimiter, dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { stripVTControlCharacters } from "node:util";
import { dataPaths } from "../lib/config.ts";
import { faultPoint } from "../lib/faults.ts";
import { isAlive, type PublishDataResult, publicByDefault } from "./publish-data.ts";
import { BUILD_INFO_FILE, type BuildInfo, readBuildInfo } from "./serve.ts";

export { publicByDefault };

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const CACHE = join(ROOT, "dashboards", ".observablehq", "cache");

export interface BuildDashboardsOptions {
  log?: (line: string) => void;
  /**
   * Publish the public data: small counts of persons suppressed (dashboards/public.ts). Default: the
   * internal data, or OBS_PUBLIC_DASHBOARDS=1 in the environment (so the service publishes the public one).
   */
  public?: boolean;
  /** Build the site even if its code did not change. */
  forceSite?: boolean;
}

/** Remove what earlier builds' data loaders left in the Framework cache; keep the bundled npm modules. */
async function clearLoaderCache(): Promise<void> {
  for (const entry of await readdir(CACHE).catch(() => [] as string[])) {
    if (entry !== "_node") await rm(join(CACHE, entry), { recursive: true, force: true });
  }
}

/** What the site is built from: its pages, components and styles, the config, and the package versions. */
const SITE_FILES = ["observablehq.config.ts", "lib/config.ts", "package-lock.json"];
const isSiteSource = (f: string) =>
  !f.startsWith("data/") &&
  !f.startsWith(".observablehq") &&
  !/\.test\.ts$/.test(f) &&
  /\.(md|css|js|ts)$/.test(f) &&
  (f.startsWith("components/") || !f.endsWith(".ts"));

/** A hash of every file the site is built from: the same hash, the same site. */
export async function siteSourceHash(): Promise<string> {
  const pages = (await readdir(join(ROOT, "dashboards"), { recursive: true }))
    .map((f) => f.split("\\").join("/"))
    .filter(isSiteSource)
    .map((f) => `dashboards/${f}`);
  const hash = createHash("sha256");
  for (const f of [...SITE_FILES, ...pages.sort()])
    hash
      .update(`${f}\0`)
      .update(await readFile(join(ROOT, f)))
      .update("\0");
  return hash.digest("hex").slice(0, 16);
}

/** Run `observable build` in a child process (its own cwd and environment), each output line to `log`. */
function runObservableBuild(env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(ROOT, "node_modules", ".bin", "observable"), ["build"], {
      cwd: ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const tail: string[] = [];
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on("line", (raw) => {
        faultPoint("dashboards:mid-build");
        const line = stripVTControlCharacters(raw);
        tail.push(line);
        if (tail.length > 20) tail.shift();
        // the loaders' timings and anything that went wrong; not the hundreds of bundling lines
        const loader = /load \/data\/.*\[missing\]/.test(line) && !/\[fresh\]/.test(line);
        if (/will not be cleared/.test(line)) return; // buildDashboards clears the output itself
        if (loader || /error|fail|warn|built \d+ page|\[using stale\]/i.test(line)) log(`  ${line.trim()}`);
      });
    }
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (code === 0) return resolve();
      const errors = tail.filter((l) => /error|fail/i.test(l)).join("\n");
      // A build killed from outside (out of memory, a stop) says nothing itself: name the signal.
      const how = signal
        ? `was killed by ${signal} (out of memory, or stopped)`
        : `failed (exit ${code})${errors ? "" : ", no error printed"}`;
      reject(new Error(`observable build ${how}${errors ? `:\n${errors}` : ""}`));
    });
  });
}

/**
 * One build at a time per checkout, across processes: Framework's cache (dashboards/.observablehq/cache)
 * is shared by every build, whatever its data directory (the service, `npm run build`, tests). The lock
 * is a directory made atomically, holding the owner's pid; a lock whose process is gone is taken over.
 */
async function withBuildLock<T>(log: (line: string) => void, fn: () => Promise<T>): Promise<T> {
  const lock = join(ROOT, "dashboards", ".observablehq", "build.lock");
  await mkdir(dirname(lock), { recursive: true });
  let waited = false;
  for (;;) {
    try {
      await mkdir(lock);
      await writeFile(join(lock, "pid"), String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const owner = Number(await readFile(join(lock, "pid"), "utf8").catch(() => ""));
      if (owner && !isAlive(owner)) {
        await rm(lock, { recursive: true, force: true });
        continue;
      }
      if (!waited) log(`Waiting for another dashboards build (pid ${owner || "?"}) to finish…`);
      waited = true;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

let queue: Promise<unknown> = Promise.resolve();

export interface BuildDashboardsResult {
  outDir: string;
  /** The site was built now (its code changed, or there was none); false: the built one was kept. */
  siteBuilt: boolean;
  siteBuildId: string;
  data: PublishDataResult;
}

/**
 * Publish the dashboards' data from the published snapshot, and build the site if its code changed. Calls
 * in one process run one after another; the site build takes a lock shared by every process of this checkout.
 */
export function buildDashboards(opts: BuildDashboardsOptions = {}): Promise<BuildDashboardsResult> {
  const run = queue.then(async () => {
    const data = await publishInChild(opts);
    const site = await ensureSite(opts);
    return { ...site, data };
  });
  queue = run.catch(() => {});
  return run;
}

/**
 * Publish the data in a process of its own: writing thousands of JSON files and the marts is CPU-bound
 * and would stall the service's web server (same process) for as long.
 */
function publishInChild(opts: BuildDashboardsOptions): Promise<PublishDataResult> {
  const log = opts.log ?? (() => {});
  const isPublic = opts.public ?? publicByDefault();
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        join(ROOT, "dashboards", "publish-data.ts"),
        "--json",
        ...(isPublic ? ["--public"] : []),
      ],
      {
        cwd: ROOT,
        env: { ...process.env, OBS_DATA_DIR: dataPaths().root },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let result: PublishDataResult | null = null;
    const tail: string[] = [];
    createInterface({ input: child.stdout }).on("line", (line) => {
      try {
        result = JSON.parse(line) as PublishDataResult;
      } catch {
        log(line);
      }
    });
    createInterface({ input: child.stderr }).on("line", (line) => {
      tail.push(line);
      if (tail.length > 20) tail.shift();
      log(line);
    });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (code === 0 && result) return resolve(result);
      reject(
        new Error(
          `publishing the dashboards' data ${signal ? `was killed by ${signal}` : `failed (exit ${code})`}:\n${tail.join("\n")}`,
        ),
      );
    });
  });
}

/** Build the site into $OBS_DATA_DIR/dashboards/site unless the one there was built from the same code. */
export async function ensureSite(
  opts: { log?: (line: string) => void; forceSite?: boolean } = {},
): Promise<{ outDir: string; siteBuilt: boolean; siteBuildId: string }> {
  const log = opts.log ?? (() => {});
  const outDir = join(dataPaths().dashboards, "site");
  const sourceHash = await siteSourceHash();
  const built = await readBuildInfo(outDir);
  if (!opts.forceSite && built?.sourceHash === sourceHash && existsSync(join(outDir, "index.html"))) {
    log(`Dashboards site unchanged (code ${sourceHash}): not rebuilt`);
    return { outDir, siteBuilt: false, siteBuildId: built.siteBuildId ?? sourceHash };
  }
  return withBuildLock(log, () => buildSite(sourceHash, log));
}

async function buildSite(
  sourceHash: string,
  log: (line: string) => void,
): Promise<{ outDir: string; siteBuilt: boolean; siteBuildId: string }> {
  const { dashboards, root } = dataPaths();
  const outDir = join(dashboards, "site");
  const next = join(dashboards, `site.next-${process.pid}`);
  const previous = join(dashboards, `site.previous-${process.pid}`);
  await mkdir(dashboards, { recursive: true });
  // a build killed midway leaves its half-built site behind: remove those whose process is gone
  for (const f of await readdir(dashboards)) {
    const pid = Number(/^site\.(?:next|previous)-(\d+)$/.exec(f)?.[1]);
    if (pid && pid !== process.pid && !isAlive(pid))
      await rm(join(dashboards, f), { recursive: true, force: true });
  }
  try {
    await clearLoaderCache();
    await rm(next, { recursive: true, force: true });
    log(`Building the dashboards site (code ${sourceHash}) into ${outDir}…`);
    const started = performance.now();
    await runObservableBuild(
      {
        ...process.env,
        OBS_DATA_DIR: root,
        OBS_DASHBOARD_OUTPUT: next,
        OBSERVABLE_TELEMETRY_DISABLE: "true",
        PATH: [join(ROOT, "node_modules", ".bin"), process.env.PATH].join(delimiter),
        FORCE_COLOR: "0",
      },
      log,
    );
    if (!existsSync(join(next, "index.html")))
      throw new Error(`observable build wrote no ${join(next, "index.html")}`);
    const siteBuildId = `${sourceHash}-${Date.now().toString(36)}`;
    const info: BuildInfo = { sourceHash, siteBuildId, builtAt: new Date().toISOString() };
    await writeFile(join(next, BUILD_INFO_FILE), `${JSON.stringify(info)}\n`);
    // swap the finished site in: readers see the old site or the new one, never a half-built one
    if (existsSync(outDir)) await rename(outDir, previous);
    await rename(next, outDir);
    await rm(previous, { recursive: true, force: true });
    log(`Dashboards site built in ${((performance.now() - started) / 1000).toFixed(1)} s → ${outDir}`);
    return { outDir, siteBuilt: true, siteBuildId };
  } finally {
    await rm(next, { recursive: true, force: true });
  }
}

const usage = `Usage: npm run build [-- --quiet] [--public] [--force-site]

Publish the dashboards' data from the published warehouse snapshot
$OBS_DATA_DIR/warehouse/published.duckdb into $OBS_DATA_DIR/dashboards/data/<internal|public>/<build-id>/
(switched atomically by current.json; files of centres whose data did not change are linked, not
rewritten), and build the site (Observable Framework, Polish UI) into $OBS_DATA_DIR/dashboards/site only
when its code changed. Needs no internet. Serve both with \`npm run dashboards\`.
Exit 0 on success, 1 on failure (the failing data file is named).

Options:
  -q, --quiet     print only the summary
  --public        the public data: counts of 1–4 persons or families hidden (value, quote and the
                  ratios built on them), raw and staging data left out; default: the internal data
  --force-site    build the site even if its code did not change
  -h, --help      show this help

Environment:
  OBS_DATA_DIR          data directory (default ./data)
  OBS_PUBLIC_DASHBOARDS 1 makes the public build the default (also for the service)`;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { runCommand, progress } = await import("../cli/command.ts");
  await runCommand(
    {
      usage,
      options: {
        quiet: { type: "boolean", short: "q" },
        public: { type: "boolean" },
        "force-site": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    },
    async ({ values }) => {
      const { outDir, data } = await buildDashboards({
        log: values.quiet ? undefined : progress,
        public: values.public || undefined,
        forceSite: values["force-site"],
      });
      if (values.quiet) progress(`Dashboards: site ${outDir}, data ${data.dir}`);
      return 0;
    },
  );
}
