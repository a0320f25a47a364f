/**
 * The one module that reads graphile-worker's queue: its `graphile_worker.jobs` view, which
 * graphile-worker documents as its stable public interface for reading jobs (since 0.16: "exists as a
 * stable interface to let you see details of enqueued jobs"; columns are only removed or retyped in a
 * major version: https://worker.graphile.org/docs/jobs-view), never the `_private_*` tables under it
 * (their layout changes in any release: https://worker.graphile.org/docs/schema). WorkerUtils has no
 * way to list jobs, and a shadow table of our own would have to follow every change graphile-worker
 * makes itself (cron jobs, retries and their run_at, a job key replacing a job), so it could only be
 * less true than the view. As those pages ask, each read filters on the columns it needs and none runs
 * inside a transaction. The view has no payload: what the pipeline needs to know of a job beyond its
 * task and state is in its key (payloads.ts: a build's tests and publish carry the build file's name)
 * or in our run log (obs.runs). Changes to jobs go through graphile-worker's API (WorkerUtils), never SQL.
 */
import { basename } from "node:path";
import { sql } from "kysely";
import type { Db } from "./db.ts";
import type { TaskName } from "./payloads.ts";

/** One queued, running, waiting or failed job, as graphile-worker's jobs view shows it. */
export interface QueuedJob {
  id: string;
  task: string;
  key: string | null;
  /** The worker pool holding it, while one does. */
  lockedBy: string | null;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  runAt: Date;
  /** run_at has come. */
  due: boolean;
  /** run_at is within the next 30 s (a build waiting for extractions, a quick retry). */
  soon: boolean;
}

/** The jobs of these ids, or of these tasks, or locked by these pools (each filter optional; all of them: every job). */
export async function queuedJobs(
  db: Db,
  filter: {
    ids?: readonly string[];
    tasks?: readonly string[];
    lockedBy?: readonly string[];
    unfinished?: boolean;
  } = {},
): Promise<QueuedJob[]> {
  const { rows } = await sql<{
    id: string;
    task_identifier: string;
    key: string | null;
    locked_by: string | null;
    attempts: number;
    max_attempts: number;
    last_error: string | null;
    run_at: Date;
    due: boolean;
    soon: boolean;
  }>`select id::text, task_identifier, key, locked_by, attempts, max_attempts, last_error, run_at,
       run_at <= now() as due, run_at <= now() + interval '30 seconds' as soon
     from graphile_worker.jobs
     where (${filter.ids === undefined} or id = any(${[...(filter.ids ?? [])]}::bigint[]))
       and (${filter.tasks === undefined} or task_identifier = any(${[...(filter.tasks ?? [])]}::text[]))
       and (${filter.lockedBy === undefined} or locked_by = any(${[...(filter.lockedBy ?? [])]}::text[]))
       and (${filter.unfinished !== true} or attempts < max_attempts)`.execute(db);
  return rows.map((r) => ({
    id: r.id,
    task: r.task_identifier,
    key: r.key,
    lockedBy: r.locked_by,
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    lastError: r.last_error,
    runAt: r.run_at,
    due: r.due,
    soon: r.soon,
  }));
}

/** How many jobs of these tasks can be taken now (unlocked, due, attempts left). */
export async function runnableCount(db: Db, tasks: readonly string[]): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from graphile_worker.jobs
    where task_identifier = any(${[...tasks]}::text[]) and locked_at is null
      and run_at <= now() and attempts < max_attempts`.execute(db);
  return rows[0]?.n ?? 0;
}

/** How many jobs of these tasks are running or due now (a build waits for its documents' jobs). */
export async function activeCount(db: Db, tasks: readonly TaskName[]): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from graphile_worker.jobs
    where task_identifier = any(${[...tasks]}::text[]) and attempts < max_attempts
      and (locked_at is not null or run_at <= now())`.execute(db);
  return rows[0]?.n ?? 0;
}

/** The pools that hold a job (a queue is only ever locked together with one of its jobs). */
export async function lockingPools(db: Db): Promise<string[]> {
  const { rows } = await sql<{ locked_by: string }>`
    select distinct locked_by from graphile_worker.jobs where locked_by is not null`.execute(db);
  return rows.map((r) => r.locked_by);
}

/** Build files (names) that a queued or running tests or publish job still needs. */
export async function buildsInUse(db: Db): Promise<string[]> {
  const { rows } = await sql<{ key: string }>`
    select key from graphile_worker.jobs
    where task_identifier in ('run_data_tests', 'publish_warehouse') and key is not null`.execute(db);
  return rows.map((r) => r.key.slice(r.key.lastIndexOf(":") + 1));
}

/** Jobs (ids) still queued or running for this build file (its tests, its publish). */
export async function jobsOfBuild(db: Db, buildPath: string): Promise<string[]> {
  const name = basename(buildPath);
  const { rows } = await sql<{ id: string }>`
    select id::text from graphile_worker.jobs
    where task_identifier in ('run_data_tests', 'publish_warehouse')
      and right(key, ${name.length + 1}) = ${`:${name}`}`.execute(db);
  return rows.map((r) => r.id);
}

/** Whether a build of exactly this content waits for its tests or publish. */
export async function buildOfContentQueued(db: Db, contentKey: string): Promise<boolean> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from graphile_worker.jobs
    where starts_with(key, ${`tests:${contentKey}:`}) or starts_with(key, ${`publish:${contentKey}:`})`.execute(
    db,
  );
  return (rows[0]?.n ?? 0) > 0;
}

/**
 * Every job by task and state, for `npm run status`. `lostTo` gives the pools that died and why: a
 * job one of them holds is interrupted, and its last error is the crash's cause from the run log.
 */
export async function jobSummary(
  db: Db,
  lostTo: Map<string, string>,
): Promise<{ task: string; state: string; count: number; last_error: string | null }[]> {
  const { rows } = await sql<{ task: string; state: string; count: number; last_error: string | null }>`
    with dead(pool_id, cause) as (
      select * from unnest(${[...lostTo.keys()]}::text[], ${[...lostTo.values()]}::text[])
    ),
    j as (
      select j.task_identifier as task, j.locked_at, j.attempts, j.max_attempts, j.run_at,
        d.cause as lost_to,
        coalesce(
          (select r.error from obs.runs r
           where r.job_id = j.id::text and r.attempt = j.attempts and r.status = 'interrupted'
           order by r.run_id desc limit 1),
          j.last_error
        ) as last_error
      from graphile_worker.jobs j
      left join dead d on d.pool_id = j.locked_by
    )
    select task,
      case
        when lost_to is not null then 'interrupted'
        when locked_at is not null then 'running'
        when attempts >= max_attempts then 'failed'
        when attempts > 0 then 'waiting to retry'
        when run_at > now() then 'scheduled'
        else 'pending'
      end as state,
      count(*)::int as count,
      max(coalesce(lost_to, last_error)) as last_error
    from j
    group by 1, 2
    order by 2, 1`.execute(db);
  return rows;
}
