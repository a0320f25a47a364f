import { spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** A fresh data directory under /var/tmp (reachable by the embedded Postgres user, unlike /root or /tmp's 0700 dirs). */
export function freshDataDir(prefix = "obs-test-"): string {
  const dir = mkdtempSync(`/var/tmp/${prefix}`);
  chmodSync(dir, 0o755);
  return dir;
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Run `npm run <script> -- <args>` as a user would, with OBS_DATA_DIR set. */
export function npmRun(
  script: string,
  args: string[],
  dataDir: string,
  input?: string,
  env: Record<string, string> = {},
): RunResult {
  const r = spawnSync("npm", ["run", "--silent", script, "--", ...args], {
    cwd: ROOT,
    env: { ...process.env, OBS_DATA_DIR: dataDir, FORCE_COLOR: "0", ...env },
    encoding: "utf8",
    input,
    timeout: 300_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Rows of a query through the SQL CLI, as JSON objects. */
export function sqlJson<T = Record<string, unknown>>(dataDir: string, sql: string): T[] {
  const r = npmRun("sql", ["--format", "json", sql], dataDir);
  if (r.status !== 0) throw new Error(`sql failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as T[];
}

export interface WatchedRunResult extends RunResult {
  signal: NodeJS.Signals | null;
  /** The command's processes together (npm, the CLI, what it started), peak resident memory as sampled. */
  peakMemoryMb: number;
  /** Why the watch killed the command, when it did: it passed the memory bound or the time bound. */
  killed: string | null;
}

/** Resident memory (bytes) of a process and every process below it (Linux /proc). */
function treeResidentBytes(pid: number): number {
  let total = 0;
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    total += m ? Number(m[1]) * 1024 : 0;
    const tasks = readdirSync(`/proc/${pid}/task`);
    for (const task of tasks) {
      const children = readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim();
      for (const child of children ? children.split(/\s+/) : []) total += treeResidentBytes(Number(child));
    }
  } catch {
    // gone meanwhile
  }
  return total;
}

/**
 * `npm run <script> -- <args>` as npmRun does, with its memory watched: every process it starts is
 * sampled, and the whole command is killed when it passes `maxMemoryMb` together (or runs past
 * `maxSeconds`), so that a test of a memory bomb cannot take the machine down when the bound is broken.
 */
export function npmRunWatched(
  script: string,
  args: string[],
  dataDir: string,
  bounds: { maxMemoryMb: number; maxSeconds: number },
): Promise<WatchedRunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "--silent", script, "--", ...args], {
      cwd: ROOT,
      env: { ...process.env, OBS_DATA_DIR: dataDir, FORCE_COLOR: "0" },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true, // its own process group: killed together
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => {
      stdout += s;
    });
    child.stderr.setEncoding("utf8").on("data", (s: string) => {
      stderr += s;
    });
    let peak = 0;
    let killed: string | null = null;
    const kill = (why: string) => {
      if (killed || child.pid === undefined) return;
      killed = why;
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    };
    const watch = setInterval(() => {
      if (child.pid === undefined) return;
      const bytes = treeResidentBytes(child.pid);
      peak = Math.max(peak, bytes);
      if (bytes > bounds.maxMemoryMb * 1024 * 1024)
        kill(`more than ${bounds.maxMemoryMb} MB (${Math.round(bytes / 1024 / 1024)} MB)`);
    }, 25);
    const timer = setTimeout(() => kill(`longer than ${bounds.maxSeconds} s`), bounds.maxSeconds * 1000);
    child.on("error", reject);
    child.on("close", (status, signal) => {
      clearInterval(watch);
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr, peakMemoryMb: Math.round(peak / 1024 / 1024), killed });
    });
  });
}
