/**
 * Which worker pools are dead, read from the run log without changing anything: the service's recovery
 * (pipelines/worker.ts) releases what they hold, and `npm run status` tells their interrupted runs and
 * jobs from running ones before that happens. A pool is dead when it stopped; on this host, when its
 * process is gone; on another host, when it has not been seen for 90 s (it beats every 20 s).
 */
import { hostname } from "node:os";
import { sql } from "kysely";
import type { Db } from "./db.ts";
import { isProcessAlive } from "./postgres.ts";
import { lockingPools } from "./queue.ts";

export const POOL_STALE_SECONDS = 90;

export interface DeadPool {
  pool_id: string;
  hostname: string;
  pid: number;
  /** Stopped by itself (marked in obs.pools), as opposed to gone without a word (a crash, kill -9). */
  stopped: boolean;
}

/** Pools holding a locked job or queue, or a run still `running`, that are dead. */
export async function findDeadPools(db: Db): Promise<DeadPool[]> {
  const host = hostname();
  const holders = await lockingPools(db);
  const candidates = await db
    .selectFrom("obs.pools")
    .select(["pool_id", "hostname", "pid", "stopped_at"])
    .select(sql<boolean>`last_seen_at < now() - make_interval(secs => ${POOL_STALE_SECONDS})`.as("stale"))
    .where((eb) =>
      eb.or([
        // A queue is locked only together with one of its jobs: the jobs' locks name every holder.
        ...(holders.length > 0 ? [eb("pool_id", "in", holders)] : []),
        eb("pool_id", "in", sql<string>`(select pool_id from obs.runs where status = 'running')`),
      ]),
    )
    .execute();
  return candidates
    .filter((p) => p.stopped_at !== null || (p.hostname === host ? !isProcessAlive(p.pid) : p.stale))
    .map((p) => ({ pool_id: p.pool_id, hostname: p.hostname, pid: p.pid, stopped: p.stopped_at !== null }));
}

/** Why a run of a dead pool never finished: what the run log and `npm run status` say. */
export function interruptedCause(p: Pick<DeadPool, "hostname" | "pid" | "stopped">): string {
  return p.stopped
    ? `interrupted: the worker (pid ${p.pid} on ${p.hostname}) stopped during this run`
    : `interrupted by a crash: the process (pid ${p.pid} on ${p.hostname}) ended during this run (killed, out of memory, or its machine lost)`;
}
