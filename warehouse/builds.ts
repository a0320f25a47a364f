/**
 * Build files and the publish: every build is a new DuckDB file under $OBS_DATA_DIR/warehouse/builds
 * (a full build a fresh one, an incremental build a copy of the published snapshot), never read by
 * anyone until it is renamed over the published snapshot.
 */
import { constants, copyFile, mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import { hostname } from "node:os";
import { basename, dirname, join } from "node:path";
import { dataPaths } from "../lib/config.ts";
import { faultPoint } from "../lib/faults.ts";
import type { Log } from "./log.ts";

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
};

/** A build untouched this long and named by no queued job is garbage, whichever machine made it. */
const ABANDONED_BUILD_MS = 6 * 60 * 60 * 1000;

/** This machine in a build's file name: a process id says nothing about another machine's processes. */
const buildHost = () => hostname().replace(/[^A-Za-z0-9.-]/g, "_") || "localhost";

/**
 * How to learn which build files queued or running jobs still need (their tests, their publish):
 * the pipeline registers a question to its Postgres (pipelines/worker.ts). Without one (a build
 * outside the pipeline) no job can name a build.
 */
let buildsInUse: (() => Promise<Iterable<string>>) | null = null;
export function setBuildsInUse(fn: (() => Promise<Iterable<string>>) | null): void {
  buildsInUse = fn;
}

/**
 * Remove the builds nothing will read. Never one a queued or running job names (its tests or
 * publish are still to come, maybe in another process), nor one of this process. Otherwise a build
 * of this machine whose process is gone (killed mid-build), or, since another machine's processes
 * cannot be asked, any build untouched for 6 hours. When it cannot be told which builds are in
 * use, none is removed.
 */
export async function removeStaleBuilds(log: Log, current: string) {
  const { builds } = dataPaths();
  const names = await readdir(builds).catch(() => [] as string[]);
  if (names.length === 0) return;
  let inUse: Set<string>;
  try {
    inUse = new Set([...((await buildsInUse?.()) ?? [])].map((p) => basename(p)));
  } catch (e) {
    log(`  old builds kept: cannot tell which are in use (${(e as Error).message})`);
    return;
  }
  const host = buildHost();
  for (const f of names) {
    // build-<stamp>[-<sequence>]-<pid>[@<host>].duckdb, and its .wal (older builds carry no host).
    const m = /^(build-\d{8}-\d{6}(?:-\d+)?-(\d+)(?:@(.+?))?\.duckdb)(?:\.wal)?$/.exec(f);
    if (!m) continue;
    const [, file = "", pidText, fileHost] = m;
    const pid = Number(pidText);
    const local = fileHost === undefined || fileHost === host;
    if (inUse.has(file) || file === basename(current) || (local && pid === process.pid)) continue;
    const abandoned =
      (local && !isAlive(pid)) ||
      Date.now() - ((await stat(join(builds, f)).catch(() => null))?.mtimeMs ?? Date.now()) >
        ABANDONED_BUILD_MS;
    if (abandoned) {
      await rm(join(builds, f), { force: true });
      log(`  removed an abandoned build: ${f}`);
    }
  }
}

/** A new build file name; builds never touch the published snapshot. */
let buildSequence = 0;
export function newBuildPath(): string {
  const stamp = new Date().toISOString().replace(/[-:.]/g, "").replace("T", "-").slice(0, 15);
  // The sequence number keeps two builds of one process within one second apart; the host, builds of
  // processes of other machines sharing the data dir.
  return join(dataPaths().builds, `build-${stamp}-${++buildSequence}-${process.pid}@${buildHost()}.duckdb`);
}

/** A new build file for a build to write, its folder made and abandoned builds removed. */
export async function startBuildFile(log: Log): Promise<string> {
  const buildPath = newBuildPath();
  await mkdir(dirname(buildPath), { recursive: true });
  await removeStaleBuilds(log, buildPath);
  return buildPath;
}

/** A copy of the published snapshot to build on: a reflink on file systems that have them (btrfs, XFS). */
export async function copyPublished(buildPath: string): Promise<void> {
  await copyFile(dataPaths().published, buildPath, constants.COPYFILE_FICLONE);
}

/** Remove a build that will not be published (and its write-ahead log). */
export async function discardBuild(buildPath: string): Promise<void> {
  await rm(buildPath, { force: true });
  await rm(`${buildPath}.wal`, { force: true });
}

/**
 * Publish a tested build: an atomic rename over the published snapshot, so a reader sees either the
 * old or the new warehouse, never half of one. Builds left by a crashed process are removed by the next build.
 */
export async function publishWarehouse(buildPath: string, opts: { log?: Log } = {}): Promise<string> {
  const { published } = dataPaths();
  await mkdir(dirname(published), { recursive: true });
  faultPoint("publish:before-rename");
  await rename(buildPath, published);
  faultPoint("publish:after-rename");
  opts.log?.(`Published ${published}`);
  return published;
}
