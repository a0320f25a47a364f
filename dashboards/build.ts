// Build the dashboards from the published snapshot into $OBS_DATA_DIR/dashboards/site.
// Data-loader output is always regenerated (a stale cache must never show old numbers); the bundled
// node_modules cache (_node) is kept, it depends on package versions only.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, link, mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { delimiter, dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { stripVTControlCharacters } from "node:util";
import { dataPaths } from "../lib/config.ts";
import { faultPoint } from "../lib/faults.ts";
import { suppressSmallCounts } from "./public.ts";
import { BUILD_INFO_FILE, type BuildInfo } from "./serve.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const CACHE = join(ROOT, "dashboards", ".observablehq", "cache");

export interface BuildDashboardsOptions {
  log?: (line: string) => void;
  /**
   * The public build: small counts of persons suppressed (dashboards/public.ts). Default: the internal
   * build, or OBS_PUBLIC_DASHBOARDS=1 in the environment (so the service can build the public one).
   */
  public?: boolean;
}

export const publicByDefault = () => /^(1|true|yes)$/i.test(process.env.OBS_PUBLIC_DASHBOARDS ?? "");

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Remove everything the loaders wrote into the Framework cache; keep the bundled npm modules. */
async function clearLoaderCache(): Promise<void> {
  for (const entry of await readdir(CACHE).catch(() => [] as string[])) {
    if (entry !== "_node") await rm(join(CACHE, entry), { recursive: true, force: true });
  }
}

/**
 * Pin the published snapshot for the whole build with a hard link: a refresh that publishes meanwhile
 * (an atomic rename) does not change what the loaders of this build read.
 */
async function pinSnapshot(privateCopy: boolean): Promise<string> {
  const { published, dashboards } = dataPaths();
  if (!existsSync(published))
    throw new Error(`no published warehouse at ${published}; run \`npm run refresh\` first`);
  await mkdir(dashboards, { recursive: true });
  // a build killed midway leaves its pinned link and half-built site behind: remove those whose process is gone
  for (const f of await readdir(dashboards)) {
    const pid = Number(
      /^(?:snapshot-(\d+)\.duckdb|site\.(?:next|previous)-(\d+))$/.exec(f)?.slice(1).find(Boolean),
    );
    if (pid && pid !== process.pid && !isAlive(pid))
      await rm(join(dashboards, f), { recursive: true, force: true });
  }
  const pinned = join(dashboards, `snapshot-${process.pid}.duckdb`);
  await rm(pinned, { force: true });
  // A public build changes its copy, so it must never share the published file's inode.
  if (privateCopy) await copyFile(published, pinned);
  else await link(published, pinned).catch(() => copyFile(published, pinned)); // a copy where hard links are not possible
  return pinned;
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

/**
 * Build the site from the published snapshot into $OBS_DATA_DIR/dashboards/site. Calls in one process run
 * one after another (they share the Framework cache); the loaders' own errors name the failing loader.
 */
export function buildDashboards(opts: BuildDashboardsOptions = {}): Promise<{ outDir: string }> {
  const run = queue.then(() => withBuildLock(opts.log ?? (() => {}), () => buildOnce(opts)));
  queue = run.catch(() => {});
  return run;
}

async function buildOnce(opts: BuildDashboardsOptions): Promise<{ outDir: string }> {
  const log = opts.log ?? (() => {});
  const { dashboards, published, root } = dataPaths();
  const outDir = join(dashboards, "site");
  const next = join(dashboards, `site.next-${process.pid}`);
  const previous = join(dashboards, `site.previous-${process.pid}`);
  const isPublic = opts.public ?? publicByDefault();
  const pinned = await pinSnapshot(isPublic);
  try {
    if (isPublic) {
      const { figures, threshold } = await suppressSmallCounts(pinned);
      log(`Public build: ${figures} figure(s) of fewer than ${threshold} persons or families suppressed`);
    }
    await clearLoaderCache();
    await rm(next, { recursive: true, force: true });
    log(`Building dashboards from ${published} into ${outDir}…`);
    const started = performance.now();
    await runObservableBuild(
      {
        ...process.env,
        OBS_DATA_DIR: root,
        // the config and every loader read this one pinned version of the snapshot
        OBS_DASHBOARD_SNAPSHOT: pinned,
        OBS_DASHBOARD_OUTPUT: next,
        OBSERVABLE_TELEMETRY_DISABLE: "true",
        // .ts loaders run with `tsx` from PATH
        PATH: [join(ROOT, "node_modules", ".bin"), process.env.PATH].join(delimiter),
        FORCE_COLOR: "0",
      },
      log,
    );
    if (!existsSync(join(next, "index.html")))
      throw new Error(`observable build wrote no ${join(next, "index.html")}`);
    // Which build this is, for the server: off loopback it serves a public build only (serve.ts).
    const info: BuildInfo = { public: isPublic, builtAt: new Date().toISOString() };
    await writeFile(join(next, BUILD_INFO_FILE), `${JSON.stringify(info)}\n`);
    // swap the finished site in: readers see the old site or the new one, never a half-built one
    if (existsSync(outDir)) await rename(outDir, previous);
    await rename(next, outDir);
    await rm(previous, { recursive: true, force: true });
    log(`Dashboards built in ${((performance.now() - started) / 1000).toFixed(1)} s → ${outDir}`);
    return { outDir };
  } finally {
    await rm(pinned, { force: true });
    await rm(next, { recursive: true, force: true });
  }
}

const usage = `Usage: npm run build [-- --quiet] [--public]

Build the dashboards (Observable Framework, Polish UI) from the published warehouse snapshot
$OBS_DATA_DIR/warehouse/published.duckdb into $OBS_DATA_DIR/dashboards/site. Every data loader runs
afresh (no stale cache). Needs no internet. Serve the result with \`npm run dashboards\`.
Exit 0 on success, 1 on failure (the failing loader is named).

Options:
  -q, --quiet   print only the summary
  --public      the public build: counts of 1–4 persons or families hidden (value, quote and the
                ratios built on them), raw and staging data left out; default: the internal build
  -h, --help    show this help

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
        help: { type: "boolean", short: "h" },
      },
    },
    async ({ values }) => {
      const { outDir } = await buildDashboards({
        log: values.quiet ? undefined : progress,
        public: values.public || undefined,
      });
      if (values.quiet) progress(`Dashboards built → ${outDir}`);
      return 0;
    },
  );
}
