/**
 * The yearly task fetch_reference in the pipeline (real Postgres, the local BDL stand-in of
 * tests/reference/bdl-server.ts, no network): a good round stores the figures and queues a build that
 * publishes them; a round against a failing BDL is a failed run saying what happened, not retried, and
 * the data stays.
 */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ONE_SHOT_TASKS, openPipeline, type Pipeline, runToCompletion } from "../../pipelines/worker.ts";
import { sqlJson } from "../helpers/cli.ts";
import { startBdlServer } from "../reference/bdl-server.ts";
import { freshDataDir } from "./helpers.ts";

describe("the yearly fetch_reference task", () => {
  const data = freshDataDir("obs-service-reference-");
  const saved = { ...process.env };
  let server: Awaited<ReturnType<typeof startBdlServer>>;
  let pipeline: Pipeline;

  const runs = () =>
    pipeline.db
      .selectFrom("obs.runs")
      .select(["task", "status", "error", "detail"])
      .where("task", "=", "fetch_reference")
      .orderBy("run_id")
      .execute();

  beforeAll(async () => {
    server = await startBdlServer();
    Object.assign(process.env, {
      OBS_DATA_DIR: data,
      OBS_BDL_BASE_URL: server.baseUrl,
      OBS_BDL_CLIENT_ID: "test-key",
      OBS_BDL_BACKOFF_MS: "10",
    });
    pipeline = await openPipeline({ log: () => {}, tasks: [...ONE_SHOT_TASKS, "fetch_reference"] });
  });

  afterAll(async () => {
    await pipeline?.close();
    await server?.close();
    for (const k of ["OBS_DATA_DIR", "OBS_BDL_BASE_URL", "OBS_BDL_CLIENT_ID", "OBS_BDL_BACKOFF_MS"]) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  it("fetches, then builds and publishes the figures", async () => {
    await pipeline.addJob("fetch_reference", {});
    await runToCompletion(pipeline);
    const [run] = await runs();
    expect(run).toMatchObject({ status: "succeeded", error: null });
    expect(run?.detail).toMatchObject({ figures: 71, added: 71, changed: 0 });
    const rows = sqlJson(
      data,
      "select measure, count(*)::int as n from staging.stg_reference_figures group by measure order by measure",
    );
    expect(rows).toEqual([
      { measure: "assistance_beneficiaries", n: 24 },
      { measure: "assistance_households", n: 23 },
      { measure: "population_31_dec", n: 24 },
    ]);
  });

  it("against a failing BDL: a failed run saying what happened, not retried, the data kept", async () => {
    const figures = readFileSync(join(data, "reference", "figures.csv"), "utf8");
    // A cached answer younger than 30 days is reused (the round would not ask BDL at all): a year later, none is.
    rmSync(join(data, "reference", "cache"), { recursive: true });
    server.setFault({ kind: "503" });
    await pipeline.addJob("fetch_reference", {});
    await runToCompletion(pipeline);
    server.setFault({ kind: "none" });
    const [, run] = await runs();
    expect(run).toMatchObject({ status: "failed" });
    expect(run?.error).toMatch(/HTTP 503.*the last good reference data is kept/);
    expect(readFileSync(join(data, "reference", "figures.csv"), "utf8")).toBe(figures);
    // Not retried: no fetch_reference job left (the publish of the first round queued the dashboards: not ours).
    const queued = await pipeline.db
      .selectFrom("graphile_worker.jobs" as never)
      .select("task_identifier" as never)
      .execute();
    expect(queued.map((j) => (j as { task_identifier: string }).task_identifier)).not.toContain(
      "fetch_reference",
    );
  });
});
