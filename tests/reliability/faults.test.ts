/**
 * kill -9 at every step (lib/faults.ts FAULT_STEPS: store, extract, load, models, tests, publish),
 * then the same command again: the published warehouse ends as after an uninterrupted run, nothing
 * lost, nothing duplicated, no build left behind. One reference run serves every step.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAULT_STEPS } from "../../lib/faults.ts";
import {
  type AsyncRunResult,
  copyDataDir,
  disposeDataDirs,
  documentIdOfFile,
  filesUnder,
  hashFile,
  inParallel,
  NEXT_YEAR_REPORT,
  npmRunAsync,
  publishedRows,
  refreshedDataDir,
} from "./helpers.ts";

/** The published state a user can see, without what differs between two runs (load and receipt times). */
async function publishedState(data: string) {
  return {
    observations: await publishedRows(data, "select * from marts.fct_observation order by observation_id"),
    documents: await publishedRows(
      data,
      `select * exclude (loaded_at, received_at), received_at is not null as was_received
       from marts.dim_document order by document_id`,
    ),
  };
}

interface StepRun {
  step: string;
  data: string;
  crashed: AsyncRunResult;
  publishedAfterCrash: string | null;
  again: AsyncRunResult;
}

describe("kill -9 at any step of ingest, then a restart, ends as an uninterrupted run", () => {
  const dirs: string[] = [];
  let template: string;
  let templateHash: string;
  let report: string;
  let reference: Awaited<ReturnType<typeof publishedState>>;
  let runs: StepRun[];

  beforeAll(async () => {
    template = refreshedDataDir("obs-faults-");
    dirs.push(template);
    templateHash = hashFile(join(template, "warehouse", "published.duckdb"));
    // The next-year variant the Kędzierzyn-Koźle extractor's helpers wrote (2026 periods, other figures).
    report = NEXT_YEAR_REPORT;

    const uninterrupted = copyDataDir(template, "obs-faults-reference-");
    dirs.push(uninterrupted);
    const r = await npmRunAsync("ingest", [report], uninterrupted);
    expect(r.status, r.stderr).toBe(0);
    reference = await publishedState(uninterrupted);

    runs = await inParallel([...FAULT_STEPS], 2, async (step) => {
      const data = copyDataDir(template, `obs-faults-${step.replace(/:/g, "-")}-`);
      dirs.push(data);
      const crashed = await npmRunAsync("ingest", [report], data, { env: { OBS_FAULT: step } });
      const published = join(data, "warehouse", "published.duckdb");
      let publishedAfterCrash: string | null = null;
      try {
        publishedAfterCrash = hashFile(published);
      } catch {
        publishedAfterCrash = null;
      }
      const again = await npmRunAsync("ingest", [report], data);
      return { step, data, crashed, publishedAfterCrash, again };
    });
  }, 900_000); // a hang guard only: fifteen ingests, 71 s on an idle machine, past 5 min at load 12–27

  afterAll(() => disposeDataDirs(dirs));

  it("the uninterrupted run publishes the new report once, with its figures", () => {
    const id = documentIdOfFile(report);
    expect(reference.documents.filter((d) => d.document_id === id)).toHaveLength(1);
    expect(reference.observations.filter((o) => o.document_id === id).length).toBeGreaterThan(0);
  });

  for (const step of FAULT_STEPS) {
    it(`survives kill -9 at ${step}`, async () => {
      const run = runs.find((r) => r.step === step) as StepRun;
      // The process was killed at the step, not before it and not after a clean exit.
      expect(run.crashed.stderr, run.crashed.stderr).toContain(
        `fault injection: killing the process at ${step}`,
      );
      expect(run.crashed.status === 0 && run.crashed.signal === null, "killed, not a clean exit").toBe(false);
      // Until the snapshot is replaced (the last step), readers still see the old warehouse, whole.
      if (step !== "publish:after-rename") expect(run.publishedAfterCrash).toBe(templateHash);
      // The same command again finishes the job.
      expect(run.again.status, run.again.stderr).toBe(0);
      const state = await publishedState(run.data);
      expect(state.documents).toEqual(reference.documents);
      expect(state.observations).toEqual(reference.observations);
      // Nothing duplicated: one copy of the report in the store, no build or temporary file left.
      const id = documentIdOfFile(report);
      const stored = filesUnder(join(run.data, "documents")).filter((f) => f.startsWith(id));
      expect(stored.sort()).toEqual([`${id}.json`, `${id}.txt`]);
      const leftovers = filesUnder(run.data)
        .filter((f) => /^(warehouse|documents|extracted)\//.test(f))
        .filter((f) => f.startsWith("warehouse/builds/") || /\.(tmp|wal)$/.test(f));
      expect(leftovers).toEqual([]);
    });
  }
});
