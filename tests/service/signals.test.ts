import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, describe, expect, it } from "vitest";
import { freshDataDir, ROOT, until } from "./helpers.ts";

/** `npm start` itself, as a user or a process manager runs it (not node directly, as the other tests do). */
function npmStart(dataDir: string) {
  const child = spawn("npm", ["start", "--silent", "--", "--no-dashboards", "--port", "0"], {
    cwd: ROOT,
    env: { ...process.env, OBS_DATA_DIR: dataDir, FORCE_COLOR: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr])
    createInterface({ input: stream }).on("line", (l) => lines.push(l));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, lines, exited };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * A `kill` of npm's own process reaches the service: npm passes SIGINT and SIGTERM on to its script,
 * and the script is the service's node process itself (package.json: `exec node …`), not a shell
 * that would die and leave the service running without a parent.
 */
describe("npm start stops on a signal to npm's process", () => {
  const started: ChildProcess[] = [];
  afterAll(() => {
    for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  });

  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`${signal}: the service stops cleanly, its Postgres with it`, async () => {
      const data = freshDataDir("obs-service-signals-");
      const npm = npmStart(data);
      started.push(npm.child);
      await until("the service to be ready", () => npm.lines.some((l) => /Ready in/.test(l)), 120_000);
      // The service's node process is npm's child (no shell in between).
      const pgPid = Number(readFileSync(join(data, "postgres", "postmaster.pid"), "utf8").split("\n")[0]);
      npm.child.kill(signal);
      const { code } = await npm.exited;
      expect(code, npm.lines.join("\n")).toBe(0);
      expect(npm.lines.join("\n")).toMatch(new RegExp(`Stopping \\(${signal}\\)…[\\s\\S]*Stopped in`));
      await until("its Postgres to stop", () => !alive(pgPid), 30_000);
      expect(existsSync(join(data, "postgres", "postmaster.pid"))).toBe(false);
      // Nothing of it left running: no node process of this data dir.
      const ours = readdirSync("/proc").filter((p) => {
        if (!/^\d+$/.test(p)) return false;
        try {
          return readFileSync(`/proc/${p}/environ`, "utf8").includes(`OBS_DATA_DIR=${data}\0`);
        } catch {
          return false;
        }
      });
      expect(ours).toEqual([]);
      rmSync(data, { recursive: true, force: true });
    });
  }
});
