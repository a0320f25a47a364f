/**
 * Opening the pipeline (database, migrations, recovery of dead pools, the task list this process
 * runs), the options every runner of this project uses, and `runToCompletion` for the one-shot
 * commands. The pools' registry and graphile-worker's settings are in pool-registry.ts, the
 * release of dead pools in recovery.ts, every read of graphile-worker's queue in queue.ts.
 */
import { EventEmitter } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import {
  type Job,
  type Logger,
  makeWorkerUtils,
  type RunnerOptions,
  runOnce,
  type TaskList,
  type WorkerEvents,
  type WorkerUtils,
} from "graphile-worker";
import type pg from "pg";
import { setBuildsInUse } from "../warehouse/builds.ts";
import type { Log, PipelineContext, PipelineEvents } from "./context.ts";
import { createDb, createPool, type Db, migrate } from "./db.ts";
import { inboxSettleMs } from "./inbox.ts";
import { jobSpec, type Payload, type TaskName } from "./payloads.ts";
import { PoolRegistry, workerLogger, workerPreset } from "./pool-registry.ts";
import { type Database, openDatabase } from "./postgres.ts";
import { buildsInUse, queuedJobs } from "./queue.ts";
import { recoverDeadPools } from "./recovery.ts";
import { taskList } from "./tasks.ts";

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
    await recoverDeadPools(db, utils, opts.log);
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
  const jobs = await queuedJobs(db, { tasks, unfinished: true });
  const locked = (j: { lockedBy: string | null }) => j.lockedBy !== null;
  return {
    runnable: jobs.filter((j) => !locked(j) && j.due).length,
    locked: jobs.filter(locked).length,
    soon: jobs.filter((j) => !locked(j) && !j.due && j.soon && j.attempts === 0).length,
    retrying: jobs
      .filter((j) => !locked(j) && !j.due && j.attempts > 0)
      .map((j) => ({ id: j.id, task: j.task, error: j.lastError })),
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
      await recoverDeadPools(p.db, p.utils, p.ctx.log);
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
