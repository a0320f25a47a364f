import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { npmRun } from "../helpers/cli.ts";
import { freshDataDir, openRunLog, startService, stopServices, until } from "./helpers.ts";

interface StatusJson {
  runs: { task: string; status: string; error: string | null }[];
  jobs: { task: string; state: string; count: number; last_error: string | null }[];
  workers: { pid: number }[];
  notes: string[];
}

const CRASH = { env: { OBS_FAULT: "dashboards:mid-build" }, args: ["--port", "0"] };

/**
 * A dashboards build cut short by a crash (kill -9 of the service while `observable build` runs, by
 * fault injection) is not an anonymous failure: `npm run status` (which only reads) shows the run and
 * its job interrupted, with the cause, already before a restart; a restart tries the build again, also
 * when the crashes used up its attempts. Off loopback the service warns and serves the public build only.
 */
describe("a dashboards build interrupted by a crash", () => {
  const data = freshDataDir("obs-service-interrupted-");
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    await stopServices();
    for (const c of cleanup.reverse()) await c();
  });
  const status = (): StatusJson => {
    const r = npmRun("status", ["--json"], data);
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as StatusJson;
  };
  const crash = async () => {
    const service = startService(data, CRASH);
    expect((await service.exited).signal).toBe("SIGKILL");
    expect(service.lines.join("\n")).toMatch(/killing the process at dashboards:mid-build/);
    return service;
  };

  it("is shown interrupted by a crash in npm run status, not running, before any restart", async () => {
    const crashed = await crash();
    const s = status();
    const run = s.runs.find((r) => r.task === "build_dashboards");
    expect(run?.status).toBe("interrupted");
    expect(run?.error).toMatch(/interrupted by a crash: the process \(pid \d+ on .+\) ended during this run/);
    expect(s.jobs.filter((j) => j.task === "build_dashboards")).toEqual([
      { task: "build_dashboards", state: "interrupted", count: 1, last_error: run?.error },
    ]);
    expect(s.workers.map((w) => w.pid)).not.toContain(crashed.child.pid);
    expect(s.notes.join("\n")).toMatch(
      new RegExp(`worker pid ${crashed.child.pid} .*ended without stopping`),
    );
    const text = npmRun("status", [], data).stdout;
    expect(text).toMatch(/build_dashboards\s+interrupted\s+.*interrupted by a crash/);
    expect(text).toMatch(/Workers: none running/);
    // status only read: the run log still holds the run as the dead process left it
    const log = await openRunLog(data);
    cleanup.push(() => log.close());
    const runs = await log.db
      .selectFrom("obs.runs")
      .select("status")
      .where("task", "=", "build_dashboards")
      .execute();
    expect(runs.map((r) => r.status)).toEqual(["running"]);
  });

  it("is tried again at the next start, also after crashes used up its attempts", async () => {
    // Two more crashes: each start retries the build, which crashes again (3 of 3 attempts).
    await crash();
    await crash();
    const log = await openRunLog(data);
    cleanup.push(() => log.close());
    const job = async () =>
      (
        await sql<{ attempts: number; max_attempts: number; locked: boolean }>`
          select attempts, max_attempts, locked_at is not null as locked from graphile_worker.jobs
          where task_identifier = 'build_dashboards'`.execute(log.db)
      ).rows[0];
    expect(await job()).toEqual({ attempts: 3, max_attempts: 3, locked: true });

    const service = startService(data, { args: ["--port", "0"] });
    await service.waitFor(
      /Recovered from 1 stopped worker\(s\): 1 job\(s\) unlocked, 1 run\(s\) marked interrupted/,
    );
    // Finished (the job gone) or given up (failed, not locked): whichever comes first.
    await until(
      "the dashboards job to finish or fail",
      async () => {
        const j = await job();
        return !j || (!j.locked && j.attempts >= j.max_attempts);
      },
      480_000,
    );
    expect(await job()).toBeUndefined();
    await service.waitFor(/Dashboards rebuilt in/);
    expect(service.lines.join("\n")).toMatch(/1 job\(s\) given another attempt after the crash/);
    const runs = await log.db
      .selectFrom("obs.runs")
      .select(["status", "error"])
      .where("task", "=", "build_dashboards")
      .orderBy("run_id")
      .execute();
    expect(runs.map((r) => r.status)).toEqual(["interrupted", "interrupted", "interrupted", "succeeded"]);
    for (const r of runs.slice(0, 3)) expect(r.error).toMatch(/^interrupted by a crash/);
    service.child.kill("SIGINT");
    expect((await service.exited).code).toBe(0);
    const after = status();
    expect(after.jobs.filter((j) => j.task === "build_dashboards")).toEqual([]);
    // three starts and a whole dashboards build: a guard against a hang, not a timing
  }, 600_000);

  it("off loopback warns, and does not serve the internal build unless asked", async () => {
    const service = startService(data, { args: ["--no-dashboards", "--port", "0", "--host", "0.0.0.0"] });
    await service.waitFor(/Ready in/);
    const out = service.lines.join("\n");
    expect(out).toMatch(/Warning: the dashboards listen on 0\.0\.0\.0, not loopback/);
    expect(out).toMatch(/Dashboards: http:\/\/\S+ \(public build only\)/);
    // the site there is the internal build the previous test made: not served
    const page = await fetch(service.url() ?? "");
    expect(page.status).toBe(503);
    expect(await page.text()).toMatch(/tylko publiczna wersja pulpitów/);
    service.child.kill("SIGINT");
    expect((await service.exited).code).toBe(0);
  });
});
