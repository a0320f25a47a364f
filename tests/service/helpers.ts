/**
 * Helpers for the service tests: a fresh data dir (its own embedded Postgres, so a fresh database per
 * test file), the service as a real process, the run log read directly, and bounded waits. The waits
 * only guard against a hang; no test asserts how long anything took.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { createDb, createPool, type Db } from "../../pipelines/db.ts";
import { openDatabase } from "../../pipelines/postgres.ts";
import { freshDataDir, ROOT } from "../helpers/cli.ts";

export { freshDataDir, ROOT };

export const bundled = (centre: string, name: string) => join(ROOT, "sources", centre, "documents", name);
export const JAWORZNO = bundled("jaworzno", "jaworzno_mops_sprawozdanie-gpwr_2023.txt");
export const KATOWICE = bundled("katowice", "katowice_mops_aktywizacja-uchodzcow_2025.txt");

/** Another version of a bundled report: the same text with `n` more line ends (new bytes, same figures). */
export const variant = (path: string, n: number) => `${readFileSync(path, "utf8")}${"\n".repeat(n)}`;

/** Poll until `fn` gives a value (not undefined/false/null); a guard of `limitMs` against hanging. */
export async function until<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  limitMs = 90_000,
): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== null && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await sleep(150);
  }
}

/** Every service a test started: stopped by `stopServices` (afterAll), killed if the test process exits. */
const started = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of started)
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

/** Ctrl-C every service still running, and wait for them. */
export async function stopServices(): Promise<void> {
  await Promise.all(
    [...started].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once("exit", () => resolve());
          child.kill("SIGINT");
        }),
    ),
  );
}

export interface ServiceProcess {
  child: ChildProcess;
  lines: string[];
  /** The first output line (from now on or already seen, from `from`) matching `re`. */
  waitFor(re: RegExp, from?: number): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  url(): string | null;
}

/** `npm start` as a user runs it (node + tsx directly, so that signals reach the service itself). */
export function startService(
  dataDir: string,
  opts: { env?: Record<string, string>; args?: string[] } = {},
): ServiceProcess {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "cli/start.ts", ...(opts.args ?? ["--no-dashboards", "--port", "0"])],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        OBS_DATA_DIR: dataDir,
        FORCE_COLOR: "0",
        OBS_INBOX_SETTLE_MS: "300",
        ...opts.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  started.add(child);
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on("line", (line) => {
      lines.push(line);
      if (process.env.OBS_TEST_VERBOSE) process.stderr.write(`[service ${child.pid}] ${line}\n`);
      for (const w of waiters) w();
    });
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  let done = false;
  void exited.then(() => {
    done = true;
    for (const w of waiters) w();
  });
  const waitFor = (re: RegExp, from = 0) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const hit = lines.slice(from).find((l) => re.test(l));
        if (hit !== undefined) {
          waiters.delete(check);
          resolve(hit);
        } else if (done) {
          waiters.delete(check);
          reject(new Error(`the service exited before printing ${re}; its output:\n${lines.join("\n")}`));
        }
      };
      waiters.add(check);
      check();
    });
  const url = () => {
    const line = lines.find((l) => /Dashboards: http/.test(l));
    return line ? (/(http:\/\/\S+)/.exec(line)?.[1] ?? null) : null;
  };
  return { child, lines, waitFor, exited, url };
}

/** The run log of a data dir's embedded Postgres (started for the test if the service is not running). */
export async function openRunLog(
  dataDir: string,
): Promise<{ db: Db; connectionString: string; close(): Promise<void> }> {
  process.env.OBS_DATA_DIR = dataDir;
  const database = await openDatabase({});
  if (!database) throw new Error("no database");
  const pool = createPool(database.connectionString, () => {}, 3);
  return {
    db: createDb(pool),
    connectionString: database.connectionString,
    async close() {
      await pool.end();
      await database.stop();
    },
  };
}
