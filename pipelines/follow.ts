/**
 * What a one-shot command (`npm run ingest`, `npm run refresh`) follows: its own jobs and what became
 * of them, read from Postgres (graphile-worker's jobs view through queue.ts, and the run log obs.runs), never from events of
 * this process. Every command is also a worker on the shared queue, so its jobs may run in another
 * process (another command, the service, a worker on another machine) and it may run theirs: what
 * it reports must not depend on who ran what.
 */
import { EventEmitter } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { runOnce, type WorkerEvents } from "graphile-worker";
import { sql } from "kysely";
import type { RunDetail } from "./context.ts";
import type { Db } from "./db.ts";
import type { TaskName } from "./payloads.ts";
import { type QueuedJob, queuedJobs, runnableCount } from "./queue.ts";
import { recoverDeadPools } from "./recovery.ts";
import { type Pipeline, runnerOptions } from "./worker.ts";

/** What became of one job. */
export type JobState =
  /** Queued, running, or failed and retried within 30 s. */
  | { kind: "pending" }
  /** Failed; its next attempt is later (the service retries it). */
  | { kind: "retrying"; task: string; error: string; runAt: Date }
  /** Gave up for good: a permanent failure, or its attempts ran out. */
  | { kind: "failed"; task: string; error: string }
  /** Finished; `detail` is what its run recorded (null when the run was not worth a line). */
  | { kind: "done"; task: string; detail: RunDetail | null };

const firstLine = (s: string | null | undefined) => (s ?? "unknown error").split("\n")[0] as string;

/** The state of the jobs with these ids, whichever process ran (or runs) them. */
export async function jobStates(db: Db, ids: readonly string[]): Promise<Map<string, JobState>> {
  const out = new Map<string, JobState>();
  if (ids.length === 0) return out;
  for (const j of await queuedJobs(db, { ids })) {
    const { task } = j;
    if (j.lockedBy !== null) out.set(j.id, { kind: "pending" });
    else if (j.attempts >= j.maxAttempts) out.set(j.id, { kind: "failed", task, error: j.lastError ?? "" });
    else if (j.attempts > 0 && !j.soon)
      out.set(j.id, { kind: "retrying", task, error: j.lastError ?? "", runAt: j.runAt });
    else out.set(j.id, { kind: "pending" });
  }
  // A job that is gone completed: its last run says how (a run is finished before its job completes).
  const gone = ids.filter((id) => !out.has(id));
  if (gone.length > 0) {
    const runs = await db
      .selectFrom("obs.runs")
      .select(["job_id", "task", "status", "detail", "error"])
      .where("job_id", "in", gone)
      .orderBy("run_id", "desc")
      .execute();
    for (const id of gone) {
      const run = runs.find((r) => r.job_id === id);
      if (!run) out.set(id, { kind: "done", task: "", detail: null });
      else if (run.status === "succeeded") out.set(id, { kind: "done", task: run.task, detail: run.detail });
      else out.set(id, { kind: "failed", task: run.task, error: run.error ?? `run ${run.status}` });
    }
  }
  return out;
}

/** The newest run id: runs after it happened after this point (ids, unlike clocks, agree across machines). */
export async function lastRunId(db: Db): Promise<number> {
  const row = await db
    .selectFrom("obs.runs")
    .select((eb) => eb.fn.max("run_id").as("max"))
    .executeTakeFirst();
  return Number(row?.max ?? 0);
}

/** The tasks from a document to the published warehouse. */
export const CHAIN_TASKS: readonly TaskName[] = [
  "accept_document",
  "extract_document",
  "build_warehouse",
  "run_data_tests",
  "publish_warehouse",
];

export interface ChainState {
  /** Queued, running, or due within 30 s (a build waiting for extractions, a quick retry). */
  pending: number;
  /** Failed jobs waiting for a later attempt, with their error. */
  retrying: { task: string; error: string }[];
}

/**
 * Where the chain from documents to the published warehouse stands, across every worker (with
 * `tasks`, where those stand: the collect command adds the inbox look before the chain).
 */
export async function chainState(db: Db, tasks: readonly TaskName[] = CHAIN_TASKS): Promise<ChainState> {
  const jobs = await queuedJobs(db, { tasks, unfinished: true });
  const pending = (j: QueuedJob) => j.lockedBy !== null || j.soon;
  return {
    pending: jobs.filter(pending).length,
    retrying: jobs.filter((j) => !pending(j)).map((j) => ({ task: j.task, error: firstLine(j.lastError) })),
  };
}

/** The latest failed run of the chain after run `since`, if any. */
export async function lastChainFailure(
  db: Db,
  since: number,
): Promise<{ task: string; error: string; detail: RunDetail | null } | null> {
  const row = await db
    .selectFrom("obs.runs")
    .select(["task", "error", "detail"])
    .where("run_id", ">", since)
    .where("task", "in", [...CHAIN_TASKS])
    .where("status", "=", "failed")
    .orderBy("run_id", "desc")
    .limit(1)
    .executeTakeFirst();
  return row ? { task: row.task, error: row.error ?? "unknown error", detail: row.detail } : null;
}

/** A document the data tests rejected (run_data_tests' detail.rejected). */
export interface TestRejection {
  documentId: string;
  fileName: string;
  reason: string;
  keptIn: string | null;
}

/**
 * Documents rejected by the data tests of builds after run `since` (their files moved into the
 * quarantine, the warehouse built again without them), whichever worker ran the tests.
 */
export async function rejectedSince(db: Db, since: number): Promise<TestRejection[]> {
  const rows = await db
    .selectFrom("obs.runs")
    .select("detail")
    .where("task", "=", "run_data_tests")
    .where("status", "=", "succeeded")
    .where("run_id", ">", since)
    .where(sql<boolean>`detail ? 'rejected'`)
    .orderBy("run_id")
    .execute();
  const out = new Map<string, TestRejection>();
  for (const r of rows)
    for (const d of (r.detail?.rejected as TestRejection[] | undefined) ?? []) out.set(d.documentId, d);
  return [...out.values()];
}

/** One line for a document the data tests rejected. */
export const describeRejection = (d: TestRejection) =>
  `✗ rejected ${d.fileName}: ${d.reason}${d.keptIn ? ` → kept in ${d.keptIn}` : ""}`;

/** Runs of a task whose detail names this build file (run_data_tests and publish_warehouse record it). */
export async function runsOfBuild(db: Db, task: TaskName, buildPath: string) {
  return db
    .selectFrom("obs.runs")
    .select(["run_id", "status", "detail", "error"])
    .where("task", "=", task)
    .where(sql<string>`detail->>'buildPath'`, "=", buildPath)
    .orderBy("run_id", "desc")
    .execute();
}

/** The summary the latest successful publish (after run `since`) recorded. */
export async function latestPublish(db: Db, since = 0): Promise<RunDetail | null> {
  const row = await db
    .selectFrom("obs.runs")
    .select("detail")
    .where("task", "=", "publish_warehouse")
    .where("status", "=", "succeeded")
    .where("run_id", ">", since)
    .where(sql<boolean>`detail ? 'publishedPath'`)
    .orderBy("run_id", "desc")
    .limit(1)
    .executeTakeFirst();
  return row?.detail ?? null;
}

/**
 * Work as one of the workers until `check` gives an answer: run what is due (this process's tasks,
 * anyone's jobs), look, and when nothing could be run here (the jobs are held by another worker, or
 * their queue is), wait a moment. Workers that died holding jobs are released meanwhile.
 */
export async function runUntil<T>(p: Pipeline, check: () => Promise<T | undefined>): Promise<T> {
  let idle = 0;
  for (;;) {
    const answer = await check();
    if (answer !== undefined) return answer;
    let started = 0;
    if ((await runnableCount(p.db, Object.keys(p.tasks))) > 0) {
      const events = new EventEmitter() as WorkerEvents;
      events.on("job:start", () => started++);
      await runOnce(runnerOptions(p, { events }));
    }
    if (started > 0) {
      idle = 0;
      continue;
    }
    // About every 2 s while waiting: a worker killed while holding our jobs must not hold them for hours.
    if (idle++ % 8 === 0) await recoverDeadPools(p.db, p.utils, p.ctx.log);
    await sleep(250);
  }
}

/**
 * As `runUntil`, and then, unless the answer is a failure, on until nothing of the chain is left
 * pending: a one-shot command runs what it set going to completion (the tests and publish of a build
 * it started, work a killed run left behind) rather than leaving it to a service that may not run.
 */
export async function runToAnswer<T extends { failure?: Error }>(
  p: Pipeline,
  check: () => Promise<T | undefined>,
): Promise<T> {
  let answer: T | undefined;
  return runUntil(p, async () => {
    answer ??= await check();
    if (answer === undefined || answer.failure) return answer;
    return (await chainState(p.db)).pending > 0 ? undefined : answer;
  });
}
