import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync } from "node:fs";
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
