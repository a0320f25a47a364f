/**
 * The worker: opening the pipeline (database, migrations, recovery), graphile-worker's options as
 * STACK.md found them to work, the registry of worker pools (what makes a dead pool's locks safe to
 * release), and `runToCompletion` for the one-shot commands.
 */
import { EventEmitter } from "node:events";
import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import {
  type Job,
  Logger,
  makeWorkerUtils,
  type RunnerOptions,
  runOnce,
  type TaskList,
  type WorkerEvents,
  type WorkerUtils,
} from "graphile-worker";
import { sql } from "kysely";
import type pg from "pg";
import { inboxSettleMs } from "../lib/config.ts";
import { setBuildsInUse } from "../warehouse/builds.ts";
import type { Log, PipelineContext, PipelineEvents } from "./context.ts";
import { createDb, createPool, type Db, migrate } from "./db.ts";
import { jobSpec, type Payload, type TaskName } from "./payloads.ts";
import { findDeadPools, interruptedCause } from "./pools.ts";
import { type Database, openDatabase } from "./postgres.ts";
import { taskList } from "./tasks.ts";

declare global {
  namespace GraphileConfig {
    interface Plugins {
      ObsPoolRegistry: true;
    }
  }
}

const HEARTBEAT_MS = 20_000;

/** graphile-worker's own messages: warnings and errors outside jobs (a job's failure the task logs itself). */
export function workerLogger(log: Log, muted: () => boolean): Logger {
  return new Logger((scope) => (level, message, meta) => {
    if (muted() || scope.jobId !== undefined || (meta as { job?: unknown } | undefined)?.job) return;
    if (level === "error" || level === "warning") log(`worker ${level}: ${message}`);
  });
}

/**
 * Every pool registers (hostname, pid) before its first job, and beats every 20 s; `recover` reads
 * this to tell the locks of a pool that was killed from those of one that works elsewhere.
 */
export class PoolRegistry {
  readonly active = new Set<string>();
  private pending = new Set<Promise<unknown>>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly db: Db) {}

  plugin(): GraphileConfig.Plugin {
    const register = (poolId: string) => this.register(poolId);
    return {
      name: "ObsPoolRegistry",
      version: "1.0.0",
      description: "Records worker pools in obs.pools before they lock a job",
      worker: {
        hooks: {
          async startWorker(_ctx, event) {
            await register(event.worker.workerPool.id);
          },
        },
      },
    } as GraphileConfig.Plugin;
  }

  /** Listen for pools that stop, to mark them stopped. */
  listen(events: WorkerEvents) {
    events.on("pool:release", ({ workerPool }) => {
      this.active.delete(workerPool.id);
      this.track(
        this.db
          .updateTable("obs.pools")
          .set({ stopped_at: new Date() })
          .where("pool_id", "=", workerPool.id)
          .execute(),
      );
    });
  }

  private async register(poolId: string) {
    if (this.active.has(poolId)) return;
    this.active.add(poolId);
    await this.db
      .insertInto("obs.pools")
      .values({ pool_id: poolId, hostname: hostname(), pid: process.pid })
      .onConflict((oc) => oc.column("pool_id").doNothing())
      .execute();
  }

  private track(p: Promise<unknown>) {
    const q = p.catch(() => {}).finally(() => this.pending.delete(q));
    this.pending.add(q);
  }

  private readonly beatHooks: (() => Promise<unknown>)[] = [];

  /** Run `fn` with every heartbeat (the service releases other machines' dead pools this way). */
  everyBeat(fn: () => Promise<unknown>) {
    this.beatHooks.push(fn);
  }

  /** Every process that runs jobs beats, also the one-shot commands: a long build is not "stale". */
  startHeartbeat() {
    this.timer = setInterval(() => {
      if (this.active.size > 0) {
        this.track(
          this.db
            .updateTable("obs.pools")
            .set({ last_seen_at: new Date() })
            .where("pool_id", "in", [...this.active])
            .execute(),
        );
      }
      for (const hook of this.beatHooks) this.track(hook());
    }, HEARTBEAT_MS);
    this.timer.unref();
  }

  async stop() {
    clearInterval(this.timer);
    if (this.active.size > 0) {
      this.track(
        this.db
          .updateTable("obs.pools")
          .set({ stopped_at: new Date() })
          .where("pool_id", "in", [...this.active])
          .execute(),
      );
    }
    await Promise.all(this.pending);
  }
}

/**
 * A job whose run ended in a crash is tried again even when the crash took its last attempt (the
 * crash need not be its fault: another job, the machine), up to this many crashes of that job: one
 * that brings the process down each time stays failed, its runs saying why.
 */
export const CRASH_RETRIES = 3;

/**
 * Release what dead pools hold (pipelines/pools.ts says which): jobs and queues they locked (else
 * locked for 4 hours), and their runs left `running` (marked interrupted, with the cause). A job the
 * crash left without attempts gets one more (at most CRASH_RETRIES crashes of it).
 */
export async function recoverDeadPools(db: Db, log: Log): Promise<{ pools: string[]; jobs: number }> {
  const deadPools = await findDeadPools(db);
  const dead = deadPools.map((p) => p.pool_id);
  if (dead.length === 0) return { pools: [], jobs: 0 };
  const { rows: locked } = await sql<{ id: string; attempts: number; max_attempts: number }>`
    select id::text, attempts, max_attempts from graphile_worker.jobs
    where locked_by = any(${dead}::text[])`.execute(db);
  await sql`select graphile_worker.force_unlock_workers(${dead}::text[])`.execute(db);
  let runs = 0;
  for (const pool of deadPools) {
    const r = await db
      .updateTable("obs.runs")
      .set({ status: "interrupted", finished_at: new Date(), error: interruptedCause(pool) })
      .where("status", "=", "running")
      .where("pool_id", "=", pool.pool_id)
      .executeTakeFirst();
    runs += Number(r.numUpdatedRows);
  }
  let retried = 0;
  for (const job of locked.filter((j) => j.attempts >= j.max_attempts)) {
    const crashes = await db
      .selectFrom("obs.runs")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("job_id", "=", job.id)
      .where("status", "=", "interrupted")
      .executeTakeFirstOrThrow();
    if (Number(crashes.n) > CRASH_RETRIES) continue;
    // graphile-worker's public function: the job is unlocked, so it takes it
    await sql`select id from graphile_worker.reschedule_jobs(array[${job.id}]::bigint[], run_at := now(), max_attempts := ${job.attempts + 1}::int)`.execute(
      db,
    );
    retried++;
  }
  await db
    .updateTable("obs.pools")
    .set({ stopped_at: sql`coalesce(stopped_at, now())` })
    .where("pool_id", "in", dead)
    .execute();
  log(
    `Recovered from ${dead.length} stopped worker(s): ${locked.length} job(s) unlocked, ${runs} run(s) marked interrupted${retried ? `, ${retried} job(s) given another attempt after the crash` : ""}`,
  );
  return { pools: dead, jobs: locked.length };
}

/** Build files a queued or running job still names (its tests or publish): never garbage. */
export async function buildsInUse(db: Db): Promise<string[]> {
  // The public view graphile_worker.jobs has no payload: the table under it does (0.16+).
  const { rows } = await sql<{ path: string }>`
    select distinct j.payload->>'buildPath' as path
    from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
    where t.identifier in ('run_data_tests', 'publish_warehouse') and j.payload->>'buildPath' is not null`.execute(
    db,
  );
  return rows.map((r) => r.path);
}

/** graphile-worker settings that STACK.md found necessary: no batching delay, signals are ours. */
export function workerPreset(registry: PoolRegistry): GraphileConfig.Preset {
  return {
    plugins: [registry.plugin()],
    worker: {
      completeJobBatchDelay: 0,
      failJobBatchDelay: 0,
      // A running job gets 4 s after a stop before its abort signal fires (exit must come within 10 s).
      gracefulShutdownAbortTimeout: 4000,
      // Completions are batched (not awaited before the next fetch): the next job of a serial queue
      // is found by the poll, not by a notification. 0.5 s keeps a build → tests → publish chain quick.
      pollInterval: 500,
    },
  };
}

export interface Pipeline {
  database: Database;
  pool: pg.Pool;
  db: Db;
  ctx: PipelineContext;
  utils: WorkerUtils;
  registry: PoolRegistry;
  logger: Logger;
  tasks: TaskList;
  addJob<T extends TaskName>(task: T, payload: Payload<T>): Promise<Job>;
  close(): Promise<void>;
}

export interface OpenOptions {
  log: Log;
  /** Where the database's own lines go (the one-shot commands keep them quiet). */
  databaseLog?: Log;
  /** Task names this process runs (others stay queued for a process that runs them). Default: all. */
  tasks?: readonly TaskName[];
  inboxSettleMs?: number;
  buildDashboards?: PipelineContext["buildDashboards"];
}

/** Database (embedded or DATABASE_URL), migrations, recovery of dead pools: ready to run jobs. */
export async function openPipeline(opts: OpenOptions): Promise<Pipeline> {
  // A bad OBS_INBOX_SETTLE_MS is said before anything starts.
  const settleMs = opts.inboxSettleMs ?? inboxSettleMs();
  const database = await openDatabase({ log: opts.databaseLog ?? opts.log });
  if (!database) throw new Error("no database");
  // A client losing its connection must not crash the process; while closing, that is expected.
  let closing = false;
  const pool = createPool(database.connectionString, (e) => {
    if (!closing) opts.log(`postgres: ${e.message}`);
  });
  try {
    const db = createDb(pool);
    const logger = workerLogger(opts.log, () => closing);
    await migrate(pool, db, logger);
    const ctx: PipelineContext = {
      db,
      log: opts.log,
      events: new EventEmitter<PipelineEvents>(),
      inboxSettleMs: settleMs,
      buildDashboards:
        opts.buildDashboards ?? (async (o) => (await import("../dashboards/build.ts")).buildDashboards(o)),
    };
    const all = taskList(ctx);
    const tasks = opts.tasks ? Object.fromEntries(opts.tasks.map((t) => [t, all[t]])) : all;
    const utils = await makeWorkerUtils({ pgPool: pool, logger });
    const registry = new PoolRegistry(db);
    registry.startHeartbeat();
    await recoverDeadPools(db, opts.log);
    // A build's tests or publish may still be queued, for any process: its file is not garbage.
    setBuildsInUse(() => buildsInUse(db));
    return {
      database,
      pool,
      db,
      ctx,
      utils,
      registry,
      logger,
      tasks: tasks as TaskList,
      addJob: (task, payload) => utils.addJob(task, payload as never, jobSpec(task, payload)),
      async close() {
        setBuildsInUse(null);
        await registry.stop();
        closing = true;
        await utils.release();
        await pool.end();
        await database.stop();
      },
    };
  } catch (e) {
    await pool.end().catch(() => {});
    await database.stop();
    throw e;
  }
}

/** What the one-shot commands run; discovery, collection and dashboards belong to the service. */
export const ONE_SHOT_TASKS: readonly TaskName[] = [
  "accept_document",
  "extract_document",
  "build_warehouse",
  "run_data_tests",
  "publish_warehouse",
  "check_freshness",
];

/** The options every runner of this project uses. */
export function runnerOptions(p: Pipeline, extra: Partial<RunnerOptions> = {}): RunnerOptions {
  const events = (extra.events ?? new EventEmitter()) as WorkerEvents;
  p.registry.listen(events);
  return {
    pgPool: p.pool,
    taskList: p.tasks,
    logger: p.logger,
    noHandleSignals: true,
    preset: workerPreset(p.registry),
    ...extra,
    events,
  };
}

interface QueueState {
  runnable: number;
  locked: number;
  /** Scheduled within the next 30 s (a build waiting for extractions to finish). */
  soon: number;
  /** Jobs that failed and wait for their next attempt. */
  retrying: { id: string; task: string; error: string | null }[];
}

async function queueState(db: Db, tasks: string[]): Promise<QueueState> {
  const { rows } = await sql<{
    id: string;
    task_identifier: string;
    locked: boolean;
    due: boolean;
    soon: boolean;
    attempts: number;
    last_error: string | null;
  }>`select id::text, task_identifier, locked_at is not null as locked, run_at <= now() as due,
       run_at <= now() + interval '30 seconds' as soon, attempts, last_error
     from graphile_worker.jobs
     where task_identifier = any(${tasks}::text[]) and attempts < max_attempts`.execute(db);
  return {
    runnable: rows.filter((r) => !r.locked && r.due).length,
    locked: rows.filter((r) => r.locked).length,
    soon: rows.filter((r) => !r.locked && !r.due && r.soon && r.attempts === 0).length,
    retrying: rows
      .filter((r) => !r.locked && !r.due && r.attempts > 0)
      .map((r) => ({ id: r.id, task: r.task_identifier, error: r.last_error })),
  };
}

/**
 * Run jobs until none of this process's tasks is pending (runOnce in a loop: it neither waits for
 * jobs another worker holds nor for retries). A job of this run that failed and waits for a retry
 * ends the loop with its error; it stays queued, and the service retries it.
 */
export async function runToCompletion(p: Pipeline): Promise<void> {
  const tasks = Object.keys(p.tasks);
  const failedHere = new Set<string>();
  for (;;) {
    const events = new EventEmitter() as WorkerEvents;
    let started = 0;
    events.on("job:start", () => started++);
    events.on("job:error", ({ job }) => failedHere.add(String(job.id)));
    await runOnce(runnerOptions(p, { events }));
    const state = await queueState(p.db, tasks);
    if (state.runnable > 0 && started > 0) continue;
    if (state.runnable > 0 || state.locked > 0 || state.soon > 0) {
      // Held by another worker (a running service), or its queue is, or due in a moment: wait.
      await recoverDeadPools(p.db, p.ctx.log);
      await sleep(250);
      continue;
    }
    const failed = state.retrying.find((j) => failedHere.has(j.id));
    if (failed) {
      throw new Error(
        `${failed.task} failed: ${(failed.error ?? "unknown error").split("\n")[0]} (the job stays queued; \`npm start\` retries it)`,
      );
    }
    return;
  }
}
