/**
 * What a one-shot command (`npm run ingest`, `npm run refresh`) follows: its own jobs and what became
 * of them, read from Postgres (graphile_worker.jobs and the run log obs.runs), never from events of
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
import { type Pipeline, recoverDeadPools, runnerOptions } from "./worker.ts";

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
  const { rows } = await sql<{
    id: string;
    task_identifier: string;
    locked: boolean;
    attempts: number;
    max_attempts: number;
    last_error: string | null;
    run_at: Date;
    soon: boolean;
  }>`select id::text, task_identifier, locked_at is not null as locked, attempts, max_attempts,
       last_error, run_at, run_at <= now() + interval '30 seconds' as soon
     from graphile_worker.jobs where id = any(${[...ids]}::bigint[])`.execute(db);
  for (const r of rows) {
    const task = r.task_identifier;
    if (r.locked) out.set(r.id, { kind: "pending" });
    else if (r.attempts >= r.max_attempts) out.set(r.id, { kind: "failed", task, error: r.last_error ?? "" });
    else if (r.attempts > 0 && !r.soon)
      out.set(r.id, { kind: "retrying", task, error: r.last_error ?? "", runAt: r.run_at });
    else out.set(r.id, { kind: "pending" });
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
  const { rows } = await sql<{ task_identifier: string; pending: boolean; last_error: string | null }>`
    select task_identifier, (locked_at is not null or run_at <= now() + interval '30 seconds') as pending,
      last_error
    from graphile_worker.jobs
    where task_identifier = any(${[...tasks]}::text[]) and attempts < max_attempts`.execute(db);
  return {
    pending: rows.filter((r) => r.pending).length,
    retrying: rows
      .filter((r) => !r.pending)
      .map((r) => ({ task: r.task_identifier, error: firstLine(r.last_error) })),
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

/** Jobs still queued or running for this build file (its tests, its publish). */
export async function jobsOfBuild(db: Db, buildPath: string): Promise<string[]> {
  // The public view graphile_worker.jobs has no payload: the table under it does (0.16+).
  const { rows } = await sql<{ id: string }>`
    select j.id::text from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
    where t.identifier in ('run_data_tests', 'publish_warehouse') and j.payload->>'buildPath' = ${buildPath}`.execute(
    db,
  );
  return rows.map((r) => r.id);
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
    if (await hasRunnable(p)) {
      const events = new EventEmitter() as WorkerEvents;
      events.on("job:start", () => started++);
      await runOnce(runnerOptions(p, { events }));
    }
    if (started > 0) {
      idle = 0;
      continue;
    }
    // About every 2 s while waiting: a worker killed while holding our jobs must not hold them for hours.
    if (idle++ % 8 === 0) await recoverDeadPools(p.db, p.ctx.log);
    await sleep(250);
  }
}

async function hasRunnable(p: Pipeline): Promise<boolean> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from graphile_worker.jobs
    where task_identifier = any(${Object.keys(p.tasks)}::text[]) and locked_at is null
      and run_at <= now() and attempts < max_attempts`.execute(p.db);
  return (rows[0]?.n ?? 0) > 0;
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
