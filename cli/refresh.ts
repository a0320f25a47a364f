import { dataPaths } from "../lib/config.ts";
import type { RunDetail } from "../pipelines/context.ts";
import {
  chainState,
  describeRejection,
  jobStates,
  lastChainFailure,
  lastRunId,
  latestPublish,
  rejectedSince,
  runsOfBuild,
  runToAnswer,
} from "../pipelines/follow.ts";
import { jobsOfBuild } from "../pipelines/queue.ts";
import { ONE_SHOT_TASKS, openPipeline, type Pipeline } from "../pipelines/worker.ts";
import { progress, runCommand } from "./command.ts";

const usage = `Usage: npm run refresh [-- --quiet]

Load every known document (the reports bundled under sources/<centre>/documents and those ingested
into $OBS_DATA_DIR/documents), build the DuckDB warehouse, run its data tests and publish it
atomically to $OBS_DATA_DIR/warehouse/published.duckdb. A failed build or test leaves the published
snapshot as it was. A document not yet published whose figures fail an error-severity data test is
rejected (moved into $OBS_DATA_DIR/quarantine with the reason) and the others are published without
it. Exit 0 on success, 1 on failure or a rejected document (the reason is printed).

It runs the service's jobs (pipelines/tasks: build_warehouse → run_data_tests → publish_warehouse)
to completion on the service's Postgres (embedded in $OBS_DATA_DIR/postgres, or DATABASE_URL), so
it can run beside \`npm start\`: the queue keeps their DuckDB writes apart.

Options:
  -q, --quiet   print only the summary
  -h, --help    show this help

Environment:
  OBS_DATA_DIR  data directory (default ./data)
  DATABASE_URL  the service's Postgres when it is not the embedded one`;

await runCommand(
  { usage, options: { quiet: { type: "boolean", short: "q" }, help: { type: "boolean", short: "h" } } },
  async ({ values }) => {
    const log = values.quiet ? () => {} : progress;
    const pipeline = await openPipeline({ log, databaseLog: () => {}, tasks: ONE_SHOT_TASKS });
    let outcome: Outcome;
    let rejected: Awaited<ReturnType<typeof rejectedSince>> = [];
    try {
      const since = await lastRunId(pipeline.db);
      const job = await pipeline.addJob("build_warehouse", { force: true, reason: "npm run refresh" });
      outcome = await followRefresh(pipeline, String(job.id), since);
      // Documents whose figures failed an error test: quarantined, the warehouse built without them.
      rejected = await rejectedSince(pipeline.db, since);
    } finally {
      await pipeline.close();
    }
    for (const r of rejected) process.stderr.write(`${describeRejection(r)}\n`);
    if (outcome.failure) throw outcome.failure;
    const s = outcome.published;
    if (!s) {
      progress(`The published warehouse is up to date → ${dataPaths().published}`);
      return rejected.length > 0 ? 1 : 0;
    }
    progress(
      `Published ${s.observations} figures from ${s.documents} documents (${s.models} models, ${s.warnings} warnings) in ${Number(s.seconds ?? 0).toFixed(1)} s → ${dataPaths().published}`,
    );
    return rejected.length > 0 ? 1 : 0;
  },
);

interface Outcome {
  failure?: Error;
  /** What the publish of this refresh's build recorded. */
  published?: RunDetail;
}

/**
 * Follow this command's build in Postgres, whichever worker runs it: the build job, then the tests
 * and the publish of its build file. When the trail ends elsewhere (a build of the same documents
 * was already being tested, or this build's tests were interrupted and it was built again), wait for
 * the chain as a whole and report what it did since this command began.
 */
async function followRefresh(pipeline: Pipeline, jobId: string, since: number): Promise<Outcome> {
  const { db } = pipeline;
  let buildPath: string | null = null;
  let trail = true;
  return runToAnswer(pipeline, async (): Promise<Outcome | undefined> => {
    if (trail && buildPath === null) {
      const state = (await jobStates(db, [jobId])).get(jobId);
      if (!state || state.kind === "pending") return undefined;
      if (state.kind === "retrying") return { failure: stillQueued(state.task, state.error) };
      if (state.kind === "failed") return { failure: new Error(state.error) };
      const path = state.detail?.buildPath;
      if (typeof path === "string") buildPath = path;
      else trail = false;
    }
    if (trail && buildPath !== null) {
      const jobs = await jobsOfBuild(db, buildPath);
      for (const state of (await jobStates(db, jobs)).values()) {
        if (state.kind === "retrying") return { failure: stillQueued(state.task, state.error) };
        if (state.kind === "failed") return { failure: new Error(state.error) };
        if (state.kind === "pending") return undefined;
      }
      const [publish] = await runsOfBuild(db, "publish_warehouse", buildPath);
      if (publish?.status === "succeeded" && publish.detail?.publishedPath)
        return { published: publish.detail };
      const [tests] = await runsOfBuild(db, "run_data_tests", buildPath);
      if (tests?.status === "failed") return { failure: new Error(tests.error ?? "the data tests failed") };
      trail = false;
    }
    const chain = await chainState(db);
    if (chain.pending > 0) return undefined;
    const failed = await lastChainFailure(db, since);
    if (failed) return { failure: new Error(`${failed.task} failed: ${failed.error}`) };
    const queued = chain.retrying[0];
    if (queued) return { failure: stillQueued(queued.task, queued.error) };
    return { published: (await latestPublish(db, since)) ?? undefined };
  });
}

// A function declaration, not a const: hoisted above the command's top-level await that uses it.
function stillQueued(task: string, error: string): Error {
  return new Error(
    `${task} failed: ${error.split("\n")[0]} (the job stays queued; \`npm start\` retries it)`,
  );
}
