/**
 * graphile-worker job throughput: the pipeline's per-document job (extract_document, through the
 * pipeline's task wrapper: payload check, run log in obs.runs, the task itself) against no-op jobs,
 * on the same Postgres (the embedded one of $OBS_DATA_DIR, or DATABASE_URL), with the runner options
 * and concurrency (2) of `npm start`.
 *
 *   OBS_DATA_DIR=… node --import tsx bench/worker-run.ts [--noop 2000] [--seconds 15]
 *
 * The documents are those already in the store (bench/prepare-store.ts put the national ones there).
 * The number of pipeline jobs is chosen from a first timed pair, to take about --seconds.
 */
import { EventEmitter } from "node:events";
import { readdir } from "node:fs/promises";
import { parseArgs } from "node:util";
import { run, type TaskList, type WorkerEvents } from "graphile-worker";
import { dataPaths } from "../lib/config.ts";
import { openPipeline, type Pipeline, runnerOptions } from "../pipelines/worker.ts";
import { Phases, progress, reportResult } from "./lib/child.ts";

const { values } = parseArgs({
  options: {
    noop: { type: "string", default: "2000" },
    seconds: { type: "string", default: "15" },
    concurrency: { type: "string", default: "2" },
  },
});
const concurrency = Number(values.concurrency);
const t = new Phases();
let firstError: string | null = null;

const p: Pipeline = await openPipeline({ log: () => {}, tasks: ["extract_document"] });
t.mark("open");

/** Run the given tasks until `count` jobs completed; jobs per second from the runner's start. */
async function throughput(
  taskList: TaskList,
  count: number,
): Promise<{ jobs: number; seconds: number; failed: number }> {
  const events = new EventEmitter() as WorkerEvents;
  let done = 0;
  let failed = 0;
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const settle = () => {
    if (done + failed >= count) finish();
  };
  events.on("job:success", () => {
    done++;
    settle();
  });
  events.on("job:error", ({ error }) => {
    if (failed === 0) firstError = String((error as Error)?.message ?? error).split("\n")[0] ?? "";
    failed++;
    settle();
  });
  const started = performance.now();
  const runner = await run(runnerOptions(p, { taskList, concurrency, events }));
  await finished;
  const seconds = (performance.now() - started) / 1000;
  const jobs = done;
  await runner.stop();
  return { jobs, seconds, failed };
}

try {
  // No-op jobs: what the queue itself costs per job.
  const noopCount = Number(values.noop);
  await p.utils.addJobs(
    Array.from({ length: noopCount }, (_, i) => ({ identifier: "bench_noop", payload: { i } })),
  );
  const noop = await throughput({ bench_noop: async () => {} }, noopCount);
  t.mark("noop");

  // The pipeline's per-document job on stored documents.
  const ids = (await readdir(dataPaths().documents))
    .filter((n) => n.endsWith(".json"))
    .map((n) => n.slice(0, -".json".length))
    .sort();
  const queue = async (n: number) => {
    for (const documentId of ids.splice(0, n)) await p.addJob("extract_document", { documentId });
  };
  await queue(2);
  const probe = await throughput(p.tasks, 2);
  const perJob = probe.seconds / Math.max(1, probe.jobs);
  const count = Math.max(2, Math.min(500, ids.length, Math.round(Number(values.seconds) / perJob)));
  progress(
    `  extract_document: ${(perJob * 1000).toFixed(0)} ms per job on a first pair; timing ${count} jobs`,
  );
  await queue(count);
  const pipeline = await throughput(p.tasks, count);
  t.mark("pipeline");

  const noopRate = noop.jobs / noop.seconds;
  const pipelineRate = pipeline.jobs / pipeline.seconds;
  reportResult({
    name: "worker",
    concurrency,
    noop_jobs: noop.jobs,
    noop_s: noop.seconds,
    noop_jobs_per_s: noopRate,
    pipeline_task: "extract_document",
    pipeline_jobs: pipeline.jobs,
    pipeline_failed: pipeline.failed,
    first_error: firstError,
    pipeline_s: pipeline.seconds,
    pipeline_jobs_per_s: pipelineRate,
    slowdown: noopRate / pipelineRate,
    documents_in_store: ids.length + count + 2,
    summary: `no-op ${noopRate.toFixed(0)} jobs/s; extract_document ${pipelineRate.toFixed(2)} jobs/s (${(1000 / pipelineRate).toFixed(0)} ms a job) with ${ids.length + count + 2} documents in the store → ${(noopRate / pipelineRate).toFixed(0)}× slower`,
    wall_s: t.total,
    phases: t.phases,
  });
} finally {
  await p.close();
}
