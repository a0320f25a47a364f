/**
 * The worker pools of this project: each registers (hostname, pid) in obs.pools before its first job
 * and beats while it lives, so that a dead pool's locks can be told from a live one's
 * (pipelines/recovery.ts); and the graphile-worker settings and logger every runner uses.
 */
import { hostname } from "node:os";
import { Logger, type WorkerEvents } from "graphile-worker";
import type { Log } from "./context.ts";
import type { Db } from "./db.ts";

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
