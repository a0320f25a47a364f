/**
 * Data directories that many test files start from, prepared once per test run (vitest's globalSetup,
 * tests/helpers/prepared.ts, gives the run's folder) and copied for each file: a refresh and a
 * dashboards build cost minutes on a busy two-core machine, a copy about a second.
 *
 * - refreshedDataDir: everything bundled published, as `npm run refresh` leaves it.
 * - builtSiteDataDir: that, and the dashboards built over it (`npm run build`), for the browser tests.
 */
import { execFileSync, spawnSync } from "node:child_process";
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { expect, inject } from "vitest";
import { freshDataDir, npmRun, ROOT } from "./cli.ts";

/**
 * The folder `name` in the run's prepared folder, made by `prepare` once per test run: the first file
 * that asks prepares it under a lock file, the others wait for it. Null when there is no run folder
 * (a file run outside vitest's config) or when the preparation failed in another process (the caller
 * then prepares its own, so that the failure is reported where it happens, not as a wait).
 */
function preparedOnce(name: string, prepare: (dir: string) => void): string | null {
  const prepared = inject("preparedDir");
  if (!prepared) return null;
  const template = join(prepared, name);
  const done = join(prepared, `${name}.done`);
  const failed = join(prepared, `${name}.failed`);
  const lock = join(prepared, `${name}.lock`);
  const take = () => {
    try {
      const fd = openSync(lock, "wx");
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return true;
    } catch {
      return false; // another file prepares it: wait below
    }
  };
  // A holder that died (a killed test process) never finishes: its lock is taken over.
  const holderGone = () => {
    const pid = Number(readFileSync(lock, "utf8") || "0");
    if (pid === 0) return false;
    try {
      process.kill(pid, 0);
      return false;
    } catch {
      return true;
    }
  };
  let mine = take();
  if (!mine && !existsSync(done) && holderGone()) {
    rmSync(lock, { force: true });
    rmSync(template, { recursive: true, force: true });
    mine = take();
  }
  if (mine) {
    try {
      mkdirSync(template, { mode: 0o755 });
      chmodSync(template, 0o755);
      prepare(template);
      writeFileSync(done, "");
    } catch (e) {
      writeFileSync(failed, String(e));
      throw e;
    }
  }
  // A synchronous wait (the helpers are called from beforeAll hooks that expect a path back).
  const tick = new Int32Array(new SharedArrayBuffer(4));
  while (!existsSync(done)) {
    if (existsSync(failed)) return null;
    Atomics.wait(tick, 0, 0, 200);
  }
  return template;
}

function refreshInto(dir: string): string {
  const r = npmRun("refresh", ["--quiet"], dir);
  expect(r.stderr).toMatch(/Published \d+ figures/);
  expect(r.status).toBe(0);
  return dir;
}

/**
 * A loader output left in Framework's cache by an older build: planted before the shared dashboards
 * build, so that every browser test looks at a site built over a stale cache (tests/browser/dashboards.test.ts
 * checks that it never reaches the site).
 */
export const STALE_CACHE_FILE = join(ROOT, "dashboards", ".observablehq", "cache", "data", "centres.json");
export const STALE_CACHE_NAME = "STALE-CACHE";

function buildInto(dir: string): string {
  mkdirSync(dirname(STALE_CACHE_FILE), { recursive: true });
  writeFileSync(STALE_CACHE_FILE, JSON.stringify([{ centre_id: "stale", name_pl: STALE_CACHE_NAME }]));
  // the dashboards build takes minutes on a busy machine: longer than npmRun's 5-minute bound
  const r = spawnSync("npm", ["run", "--silent", "build", "--", "--quiet"], {
    cwd: ROOT,
    env: { ...process.env, OBS_DATA_DIR: dir, FORCE_COLOR: "0" },
    encoding: "utf8",
    timeout: 900_000,
  });
  expect(r.status, r.stderr).toBe(0);
  return dir;
}

/** A fresh data directory with everything bundled published, as `npm run refresh` leaves it (a copy of the run's one). */
export function refreshedDataDir(prefix: string): string {
  const template = preparedOnce("refreshed", refreshInto);
  return template ? copyDataDir(template, prefix) : refreshInto(freshDataDir(prefix));
}

/** A fresh data directory as `npm run refresh` then `npm run build` leave it: the published data and the built site. */
export function builtSiteDataDir(prefix: string): string {
  const template = preparedOnce("built-site", (dir) => {
    const refreshed = preparedOnce("refreshed", refreshInto);
    if (refreshed) copyInto(refreshed, dir);
    else refreshInto(dir);
    buildInto(dir);
  });
  return template ? copyDataDir(template, prefix) : buildInto(refreshInto(freshDataDir(prefix)));
}

/**
 * A copy of a prepared data dir: published snapshot, extraction cache, store, built site, and its
 * Postgres when that is stopped (a copy of a running cluster would be torn; without one the next
 * command makes one).
 */
export function copyDataDir(from: string, prefix: string): string {
  return copyInto(from, freshDataDir(prefix));
}

function copyInto(from: string, to: string): string {
  // cp -a: the cluster's files belong to the postgres user and must stay so.
  execFileSync("cp", ["-a", `${from}/.`, to]);
  if (existsSync(join(from, "postgres", "postmaster.pid")))
    rmSync(join(to, "postgres"), { recursive: true, force: true });
  rmSync(join(to, "postgres.lock"), { force: true });
  return to;
}
