/**
 * `npm start`: Postgres, migrations, the worker with its crontab, a catch-up at start, the inbox
 * watcher and the dashboards server, until stopped. Stopping takes at most 10 s: stop taking jobs,
 * let the running one finish (its abort signal fires after 4 s; after 6.5 s it is failed, so that it
 * is retried, never left locked), then the database pool, then Postgres.
 */
import { existsSync, type FSWatcher, readdirSync, watch } from "node:fs";
import { mkdir } from "node:fs/promises";
import type { Server } from "node:http";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { type Runner, run } from "graphile-worker";
import { readPointer, variantDir } from "../dashboards/publish-data.ts";
import { internalByDefault, isLoopback, readBuildInfo } from "../dashboards/serve.ts";
import { dataPaths } from "../lib/config.ts";
import { describeOutcome, type Log } from "./context.ts";
import { readCrontab } from "./crontab.ts";
import { serveDashboards } from "./http.ts";
import { prepareInboxFolders } from "./inbox.ts";
import { TASK_NAMES, type TaskName } from "./payloads.ts";
import { procStat } from "./postgres.ts";
import { recoverDeadPools } from "./recovery.ts";
import { openPipeline, type Pipeline, runnerOptions } from "./worker.ts";

export interface ServiceOptions {
  log: Log;
  port: number;
  host: string;
  concurrency: number;
  /** Build the dashboards after each publish (off: build_dashboards jobs wait for a service that does). */
  dashboards: boolean;
  /**
   * On a non-loopback host, serve (and so build) the internal dashboards. Off (the default, unless
   * OBS_SERVE_INTERNAL=1): there the service builds and serves the public build only.
   */
  serveInternal?: boolean;
}

export interface Service {
  url: string;
  pipeline: Pipeline;
  stop(reason: string): Promise<void>;
  /** Settles when the worker stops by itself (a fatal error); stays pending otherwise. */
  done: Promise<void>;
}

/** SIGTERM this process's children (Linux /proc), but for the embedded Postgres, stopped in order. */
function killChildProcesses(except: number | null) {
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((p) => /^\d+$/.test(p));
  } catch {
    return;
  }
  for (const pid of pids.map(Number)) {
    if (pid === except || procStat(pid)?.ppid !== process.pid) continue;
    try {
      process.kill(pid, "SIGTERM");
    } catch {
      // gone meanwhile
    }
  }
}

const elapsed = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

export async function startService(opts: ServiceOptions): Promise<Service> {
  const started = performance.now();
  const { log } = opts;
  const paths = dataPaths();
  log(`Obserwatorium: data in ${paths.root}`);
  // A fresh clone has no data folder yet (data/ is git-ignored): made here, so the inbox check below has its parent.
  await mkdir(paths.root, { recursive: true });
  // The inbox's folders made, or a tampered one (inbox/rejected a link or a file) refused, before anything starts.
  await prepareInboxFolders(paths);
  const crontab = readCrontab();
  // the briefs print the built site with Chromium: made only where the dashboards are built
  const tasks: TaskName[] = TASK_NAMES.filter(
    (t) => opts.dashboards || (t !== "build_dashboards" && t !== "make_briefs"),
  );
  // Reachable from other machines: the site served there is the public build, unless asked otherwise.
  const internal = opts.serveInternal ?? internalByDefault();
  const publicOnly = !isLoopback(opts.host) && !internal;
  // The port first: a port in use is a one-line error before anything starts.
  let server: Server;
  let url: string;
  try {
    ({ server, url } = await serveDashboards({ port: opts.port, host: opts.host, internal, log }));
  } catch (e) {
    throw new Error(
      `cannot serve the dashboards on ${opts.host}:${opts.port} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); choose another with --port (0: any free port)`,
    );
  }
  let pipeline: Pipeline;
  try {
    pipeline = await openPipeline({
      log,
      tasks,
      ...(publicOnly
        ? {
            buildDashboards: async (o: { log?: Log }) =>
              (await import("../dashboards/build.ts")).buildDashboards({ ...o, public: true }),
          }
        : {}),
    });
  } catch (e) {
    server.close();
    throw e;
  }
  const { ctx } = pipeline;

  ctx.events.on("document", (d) => log(describeOutcome(d)));
  ctx.events.on("published", (s) =>
    log(
      `Published ${s.observations} figures from ${s.documents} documents (${s.models} models, ${s.warnings} warnings) in ${s.seconds.toFixed(1)} s${s.incremental ? " (incremental build)" : ""} → ${s.publishedPath}`,
    ),
  );

  let runner: Runner;
  try {
    runner = await run(
      runnerOptions(pipeline, {
        concurrency: opts.concurrency,
        parsedCronItems: crontab.map((c) => c.item),
      }),
    );
  } catch (e) {
    server.close();
    await pipeline.close();
    throw e;
  }
  // Every minute, release what pools on other machines left behind when they died.
  let beats = 0;
  pipeline.registry.everyBeat(async () => {
    if (++beats % 3 === 0) await recoverDeadPools(pipeline.db, pipeline.utils, log);
  });

  // Catch-up: everything known but not yet published is loaded; the inbox is looked at once.
  await pipeline.addJob("discover_documents", { catchUp: true });
  await pipeline.addJob("check_freshness", {});
  // Served publicly but no public data is published there (or the site is an old internal build that held
  // its data): publish it now, not at the next publish.
  const site = join(paths.dashboards, "site");
  const noPublicData = !(await readPointer(variantDir("public", paths.dashboards)));
  if (
    publicOnly &&
    opts.dashboards &&
    existsSync(paths.published) &&
    (noPublicData || (await readBuildInfo(site))?.public === false)
  )
    await pipeline.addJob("build_dashboards", {});

  // The inbox watcher: a drop is seen at once (the every-minute cron line is the safety net).
  await mkdir(paths.inbox, { recursive: true });
  let watcher: FSWatcher | null = null;
  let debounce: NodeJS.Timeout | undefined;
  try {
    watcher = watch(paths.inbox, (_event, name) => {
      if (!name || name.startsWith(".") || name === "rejected") return;
      clearTimeout(debounce);
      debounce = setTimeout(() => {
        pipeline.addJob("discover_documents", {}).catch((e) => log(`inbox watcher: ${(e as Error).message}`));
      }, 300);
    });
    watcher.on("error", (e) => log(`inbox watcher: ${e.message} (the every-minute discovery still runs)`));
  } catch (e) {
    log(`inbox watcher unavailable (${(e as Error).message}); discovery runs every minute`);
  }

  log(
    `Worker: ${opts.concurrency} job(s) at a time, ${crontab.length} schedules (${crontab.map((c) => c.id).join(", ")})`,
  );
  log(
    `Dashboards: ${url}${publicOnly ? " (public build only)" : ""}${opts.dashboards ? "" : " (not rebuilt: --no-dashboards)"}`,
  );
  log(`Ready in ${elapsed(started)}. Drop reports into ${paths.inbox}. Ctrl-C stops.`);

  let stopping: Promise<void> | null = null;
  const stop = (reason: string) => {
    stopping ??= (async () => {
      const t0 = performance.now();
      log(`Stopping (${reason})…`);
      clearTimeout(debounce);
      watcher?.close();
      server.close();
      server.closeAllConnections();
      const graceful = runner.stop().then(
        () => true,
        () => true, // already stopped by itself
      );
      if (!(await Promise.race([graceful, sleep(6500).then(() => false)]))) {
        log("  a job is still running after 6.5 s: failing it so that it is retried at the next start");
        await Promise.race([runner.kill(), sleep(2000)]);
        // What a cut-short job started (an `observable build`) must not outlive the service.
        killChildProcesses(pipeline.database.pid);
      }
      await pipeline.close();
      log(`Stopped in ${elapsed(t0)}.`);
    })();
    return stopping;
  };
  return { url, pipeline, stop, done: runner.promise };
}
