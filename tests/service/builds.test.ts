import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWarehouse } from "../../warehouse/build.ts";
import { setBuildsInUse } from "../../warehouse/builds.ts";
import { freshDataDir } from "./helpers.ts";

/**
 * A build clears away abandoned builds, but never one that a queued job (tests, publish) still
 * needs, nor one another machine may still be writing: the pipeline tells it which are in use
 * (pipelines/worker.ts asks Postgres); a process id is only asked of this machine.
 */
describe("a new build removes only the builds nothing will read", () => {
  const data = freshDataDir("obs-service-builds-");
  const builds = join(data, "warehouse", "builds");
  const host = hostname().replace(/[^A-Za-z0-9.-]/g, "_");
  // A process that has ended: its pid is free.
  const dead = spawnSync("true").pid as number;
  const name = (n: number, pid: number, at?: string) =>
    `build-20260101-000000-${n}-${pid}${at === undefined ? "" : `@${at}`}.duckdb`;
  const files = {
    killed: name(1, dead, host),
    killedWal: `${name(1, dead, host)}.wal`,
    awaitingTests: name(2, dead, host),
    otherMachine: name(3, dead, "another-machine"),
    otherMachineOld: name(4, dead, "another-machine"),
    olderName: name(5, dead),
    thisProcess: name(6, process.pid, host),
  };
  let previous: string | undefined;

  const prepare = () => {
    rmSync(builds, { recursive: true, force: true });
    mkdirSync(builds, { recursive: true });
    for (const f of Object.values(files)) writeFileSync(join(builds, f), "");
    const longAgo = new Date(Date.now() - 7 * 3600_000);
    utimesSync(join(builds, files.otherMachineOld), longAgo, longAgo);
  };
  const build = async () => {
    const result = await buildWarehouse({});
    rmSync(result.buildPath, { force: true });
    return readdirSync(builds).sort();
  };

  beforeAll(() => {
    previous = process.env.OBS_DATA_DIR;
    process.env.OBS_DATA_DIR = data;
  });
  afterAll(() => {
    setBuildsInUse(null);
    process.env.OBS_DATA_DIR = previous;
    rmSync(data, { recursive: true, force: true });
  });

  it("keeps what a queued job names, another machine's recent builds and its own; removes the rest", async () => {
    prepare();
    setBuildsInUse(async () => [join("/elsewhere/mounted/builds", files.awaitingTests)]);
    expect(await build()).toEqual([files.awaitingTests, files.otherMachine, files.thisProcess].sort());
    expect(existsSync(join(builds, files.killedWal))).toBe(false);
  });

  it("removes nothing when it cannot tell which builds are in use", async () => {
    prepare();
    setBuildsInUse(async () => {
      throw new Error("the database is gone");
    });
    expect(await build()).toEqual(Object.values(files).sort());
  });
});
