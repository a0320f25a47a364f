/** What the reliability tests share: commands run as a user runs them, in parallel when they may be. */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { openSnapshot, queryRows } from "../../warehouse/duckdb.ts";
import { ROOT, type RunResult } from "../helpers/cli.ts";

export { copyDataDir, refreshedDataDir } from "../helpers/prepared-dirs.ts";

export interface AsyncRunResult extends RunResult {
  signal: NodeJS.Signals | null;
  seconds: number;
}

/**
 * `npm run <script> -- <args>` like tests/helpers/cli.ts npmRun, but without blocking, so that
 * independent commands run side by side (and ten at once for the concurrency test).
 */
export function npmRunAsync(
  script: string,
  args: string[],
  dataDir: string,
  opts: { env?: Record<string, string>; cwd?: string; input?: string } = {},
): Promise<AsyncRunResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["--prefix", ROOT, "run", "--silent", script, "--", ...args], {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, OBS_DATA_DIR: dataDir, FORCE_COLOR: "0", ...opts.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => {
      stdout += s;
    });
    child.stderr.setEncoding("utf8").on("data", (s: string) => {
      stderr += s;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 300_000);
    child.on("error", reject);
    child.on("close", (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr, seconds: (performance.now() - started) / 1000 });
    });
    child.stdin.end(opts.input ?? "");
  });
}

/** Run `fn` over `items` with at most `limit` at a time, results in order. */
export async function inParallel<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export const sha256 = (data: Uint8Array | string) => createHash("sha256").update(data).digest("hex");
export const hashFile = (path: string) => sha256(readFileSync(path));

/** Every file under a directory (relative paths, sorted), to show what a run left behind. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const name of names) {
      const p = join(d, name);
      if (statSync(p, { throwIfNoEntry: false })?.isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

export const BUNDLED = {
  wroclaw: "sources/wroclaw/documents/wroclaw_mops_dobre-praktyki_2000-2013.txt",
  katowiceCommittee:
    "sources/katowice/documents/katowice_mops_cpsmis_komisja-polityki-spolecznej_2025-10-07.txt",
  katowiceRefugees: "sources/katowice/documents/katowice_mops_aktywizacja-uchodzcow_2025.txt",
  jaworzno: "sources/jaworzno/documents/jaworzno_mops_sprawozdanie-gpwr_2023.txt",
  kedzierzyn: "sources/kedzierzyn-kozle/documents/kedzierzyn-kozle_mops_asystenci-rodziny_2025.txt",
} as const;

/** The next-year report the Kędzierzyn-Koźle extractor is tested with (its helpers' fixture). */
export const NEXT_YEAR_REPORT = join(
  ROOT,
  "sources/kedzierzyn-kozle/fixtures/kedzierzyn-kozle_asystenci-rodziny_2026_wariant-a.txt",
);

export const bundledText = (key: keyof typeof BUNDLED) => readFileSync(join(ROOT, BUNDLED[key]), "utf8");

/** The document id the store gives a file: the start of the SHA-256 of its bytes. */
export const documentIdOfFile = (path: string) => hashFile(path).slice(0, 16);

export { ROOT };

/**
 * Stop the embedded Postgres a test's commands left running in its data dir (a command killed with
 * -9 leaves its Postgres to the next command; the last test command may have been the killed one).
 * Returns once it is gone.
 */
export async function stopPostgresOf(dataDir: string): Promise<void> {
  let pid: number;
  try {
    pid = Number(readFileSync(join(dataDir, "postgres", "postmaster.pid"), "utf8").split("\n")[0]);
    if (!Number.isInteger(pid) || pid <= 0) return;
    if (!readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("postgres")) return;
    process.kill(pid, "SIGINT"); // fast shutdown
  } catch {
    return; // no pid file, or gone already
  }
  for (let i = 0; i < 100 && existsSync(`/proc/${pid}`); i++) await new Promise((r) => setTimeout(r, 50));
}

/** Stop what runs in the test data dirs and remove them (kept when OBS_KEEP_TEST_DATA is set, to look into). */
export async function disposeDataDirs(dirs: string[]): Promise<void> {
  for (const dir of dirs) {
    await stopPostgresOf(dir);
    if (!process.env.OBS_KEEP_TEST_DATA) rmSync(dir, { recursive: true, force: true });
  }
}

/** Rows of a query on a data dir's published snapshot, read directly (fast; the CLI is tested elsewhere). */
export async function publishedRows(dataDir: string, sql: string): Promise<Record<string, unknown>[]> {
  const db = await openSnapshot(join(dataDir, "warehouse", "published.duckdb"));
  try {
    return await queryRows(db.connection, sql);
  } finally {
    db.close();
  }
}

/**
 * A next-year report of Kędzierzyn-Koźle: the 2025 one with every year moved on by one and the
 * families, children and closed cases of the year changed (as the next report will read).
 */
export function kedzierzynReport(
  dir: string,
  name: string,
  opts: { year?: 2025 | 2026; families?: number; children?: number } = {},
): string {
  let text = bundledText("kedzierzyn");
  if ((opts.year ?? 2026) === 2026) {
    text = text.replaceAll("2026", "2027").replaceAll("2025", "2026").replaceAll("24.03.26", "24.03.27");
    text = text.replace("z 21 rodzinami; w 7 przypadkach", "z 23 rodzinami; w 9 przypadkach");
  }
  const families = opts.families ?? ((opts.year ?? 2026) === 2026 ? 81 : 74);
  const children = opts.children ?? ((opts.year ?? 2026) === 2026 ? 142 : 135);
  const sentence = /objęli wsparciem 74 rodziny, w których wychowuje się 135 dzieci/;
  if (!sentence.test(text)) throw new Error("the Kędzierzyn-Koźle report changed: update kedzierzynReport");
  text = text.replace(
    sentence,
    `objęli wsparciem ${families} rodziny, w których wychowuje się ${children} dzieci`,
  );
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
