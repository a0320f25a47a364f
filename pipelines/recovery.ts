/**
 * Recovery from worker pools that died (pipelines/pools.ts says which): what they held is released
 * through graphile-worker's API (WorkerUtils), their runs marked interrupted in our run log.
 */
import type { WorkerUtils } from "graphile-worker";
import { sql } from "kysely";
import type { Log } from "./context.ts";
import type { Db } from "./db.ts";
import { findDeadPools, interruptedCause } from "./pools.ts";
import { queuedJobs } from "./queue.ts";

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
export async function recoverDeadPools(
  db: Db,
  utils: WorkerUtils,
  log: Log,
): Promise<{ pools: string[]; jobs: number }> {
  const deadPools = await findDeadPools(db);
  const dead = deadPools.map((p) => p.pool_id);
  if (dead.length === 0) return { pools: [], jobs: 0 };
  const locked = await queuedJobs(db, { lockedBy: dead });
  await utils.forceUnlockWorkers(dead);
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
  for (const job of locked.filter((j) => j.attempts >= j.maxAttempts)) {
    const crashes = await db
      .selectFrom("obs.runs")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("job_id", "=", job.id)
      .where("status", "=", "interrupted")
      .executeTakeFirstOrThrow();
    if (Number(crashes.n) > CRASH_RETRIES) continue;
    // The job is unlocked now, so graphile-worker takes the change.
    await utils.rescheduleJobs([job.id], { runAt: new Date(), maxAttempts: job.attempts + 1 });
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
