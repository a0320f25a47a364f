import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildOfContentQueued, buildsInUse, jobsOfBuild, queuedJobs } from "../../pipelines/queue.ts";
import { openPipeline, type Pipeline } from "../../pipelines/worker.ts";
import { disposeDataDirs } from "../reliability/helpers.ts";
import { freshDataDir, ROOT } from "./helpers.ts";

/**
 * What the pipeline reads of graphile-worker's queue goes through its public jobs view (issue 15,
 * item 3): which build files queued tests and publish jobs still need is read from their keys, which
 * carry the file's name, not from payloads in graphile-worker's private tables.
 */
describe("the queue, read through graphile-worker's jobs view", () => {
  const data = freshDataDir("obs-service-queue-");
  let pipeline: Pipeline | undefined;
  afterAll(async () => {
    await pipeline?.close();
    delete process.env.OBS_DATA_DIR;
    await disposeDataDirs([data]);
  });

  it("names the build files of queued tests and publish jobs, and finds their jobs by file", async () => {
    process.env.OBS_DATA_DIR = data;
    // Runs no task: the jobs stay queued.
    pipeline = await openPipeline({ log: () => {}, databaseLog: () => {}, tasks: [] });
    const build = { documents: 5, observations: 223, models: 20 };
    const tests = await pipeline.addJob("run_data_tests", {
      buildPath: "/data/warehouse/builds/build-20261203-130000-1-42@host-a.duckdb",
      build,
      contentKey: "k1",
    });
    const publish = await pipeline.addJob("publish_warehouse", {
      buildPath: "/data/warehouse/builds/build-20261203-130500-2-42@host-a.duckdb",
      build,
      warnings: 0,
    });
    expect((await buildsInUse(pipeline.db)).sort()).toEqual([
      "build-20261203-130000-1-42@host-a.duckdb",
      "build-20261203-130500-2-42@host-a.duckdb",
    ]);
    expect(
      await jobsOfBuild(pipeline.db, "/elsewhere/builds/build-20261203-130000-1-42@host-a.duckdb"),
    ).toEqual([String(tests.id)]);
    expect(await jobsOfBuild(pipeline.db, "/x/build-20261203-130500-2-42@host-a.duckdb")).toEqual([
      String(publish.id),
    ]);
    expect(await jobsOfBuild(pipeline.db, "/x/build-20261203-130000-1-4@host-a.duckdb")).toEqual([]);
    expect(await buildOfContentQueued(pipeline.db, "k1")).toBe(true);
    expect(await buildOfContentQueued(pipeline.db, "k")).toBe(false);
    const jobs = await queuedJobs(pipeline.db, { ids: [String(tests.id)] });
    expect(jobs.map((j) => [j.task, j.lockedBy, j.attempts])).toEqual([["run_data_tests", null, 0]]);
  });
});

describe("who reads graphile-worker's schema", () => {
  // The code, comments aside (they may name what the code must not use).
  const withoutComments = (text: string) =>
    text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  it("is pipelines/queue.ts alone, through the jobs view, and nothing names a private table", () => {
    const code = new Map(
      ["cli", "dashboards", "lib", "pipelines", "sources", "warehouse", "bench"].flatMap((dir) =>
        readdirSync(join(ROOT, dir), { recursive: true, encoding: "utf8" })
          .filter(
            (f) =>
              /\.(ts|sql|mjs)$/.test(f) &&
              !/\.test\.ts$/.test(f) &&
              !f.includes("node_modules") &&
              !f.includes(".observablehq"),
          )
          .map((f) => [`${dir}/${f}`, withoutComments(readFileSync(join(ROOT, dir, f), "utf8"))] as const),
      ),
    );
    expect([...code.keys()]).toContain("pipelines/queue.ts");
    const reading = [...code].filter(([, text]) => /graphile_worker\s*\.\s*"?\w/.test(text)).map(([f]) => f);
    expect(reading).toEqual(["pipelines/queue.ts"]);
    const objects = new Set(
      [...(code.get("pipelines/queue.ts") ?? "").matchAll(/graphile_worker\.(\w+)/g)].map((m) => m[1]),
    );
    expect([...objects]).toEqual(["jobs"]);
    expect([...code].filter(([, text]) => /_private_\w/.test(text)).map(([f]) => f)).toEqual([]);
  });
});
