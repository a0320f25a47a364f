import { startService } from "../pipelines/service.ts";
import { progress, runCommand, UsageError } from "./command.ts";

const usage = `Usage: npm start [-- --port 3000] [--host 127.0.0.1] [--serve-internal] [--no-dashboards] [--concurrency 2]

Run the Obserwatorium service until Ctrl-C (SIGINT) or SIGTERM:
  - Postgres: embedded, data in $OBS_DATA_DIR/postgres (started, or reused if already running),
    or the one DATABASE_URL names;
  - the graphile-worker jobs of pipelines/ with the crontab pipelines/crontab (UTC): inbox discovery
    every minute, the half-year and yearly collection rounds, the daily freshness check;
  - a catch-up at start: every known report not yet published is loaded;
  - the inbox $OBS_DATA_DIR/inbox: a report dropped there is published within a minute; a rejected one
    moves to inbox/rejected/ with a .error.txt saying why;
  - the dashboards (rebuilt after each publish) on http://127.0.0.1:<port>: GET and HEAD only, to the
    Host names of the address only (localhost, 127.0.0.1, [::1] on loopback).
On an address other than loopback (--host 0.0.0.0) it warns, and builds and serves the public dashboards
(counts of 1–4 persons or families hidden, as \`npm run build -- --public\`); the internal ones only with
--serve-internal or OBS_SERVE_INTERNAL=1.
Stops within 10 s on Ctrl-C, on SIGINT/SIGTERM to \`npm start\` (npm passes them on to the service's node
process, which it runs directly), or on SIGINT/SIGTERM/SIGHUP to that node process (\`npm run status\`
shows its pid). A restart resumes; nothing is processed twice.

Options:
  -p, --port          port of the dashboards server (default $PORT or 3000; 0 picks a free one)
  --host              address to listen on (default $HOST or 127.0.0.1)
  --serve-internal    on a non-loopback --host, build and serve the internal dashboards (every small count)
  --no-dashboards     do not rebuild the dashboards after a publish (their jobs wait for a service that does)
  -c, --concurrency   jobs at a time in this process (default 2)
  -h, --help          show this help

Environment:
  OBS_DATA_DIR         data directory (default ./data)
  DATABASE_URL         use this Postgres instead of the embedded one
  PORT, HOST           as --port, --host
  OBS_SERVE_INTERNAL   1: as --serve-internal
  OBS_ALLOWED_HOSTS    more Host names the dashboards answer to, comma-separated (a proxy's DNS name)
  OBS_REPORT_SOURCES   the centres' report sources (default pipelines/report-sources.json)`;

/** Signals this close after the first are the same signal delivered twice (terminal and npm). */
const SAME_SIGNAL_MS = 1000;

await runCommand(
  {
    usage,
    options: {
      port: { type: "string", short: "p" },
      host: { type: "string" },
      "no-dashboards": { type: "boolean" },
      "serve-internal": { type: "boolean" },
      concurrency: { type: "string", short: "c" },
      help: { type: "boolean", short: "h" },
    },
  },
  async ({ values }) => {
    const port = Number(values.port ?? process.env.PORT ?? 3000);
    const concurrency = Number(values.concurrency ?? 2);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new UsageError(`not a port: ${values.port ?? process.env.PORT}`);
    if (!Number.isInteger(concurrency) || concurrency < 1)
      throw new UsageError(`--concurrency must be a whole number ≥ 1`);
    // A service outlives its terminal: a closed stdout/stderr (EPIPE) must not kill it mid-job.
    for (const stream of [process.stdout, process.stderr]) stream.on("error", () => {});
    const log = (line: string) => progress(`${new Date().toISOString().slice(11, 19)} ${line}`);
    const service = await startService({
      log,
      port,
      host: values.host ?? process.env.HOST ?? "127.0.0.1",
      concurrency,
      dashboards: !values["no-dashboards"],
      serveInternal: values["serve-internal"] || undefined,
    });
    // SIGHUP: the terminal closed; stop as cleanly as on Ctrl-C.
    const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
    let first: number | null = null;
    let onFirst: (signal: string) => void = () => {};
    const signalled = new Promise<string>((resolve) => {
      onFirst = resolve;
    });
    const onSignal = (signal: NodeJS.Signals) => {
      if (first === null) {
        first = performance.now();
        onFirst(signal);
        return;
      }
      // One Ctrl-C can arrive twice: from the terminal (to the whole process group) and from npm,
      // which passes the signals it gets on to the script. Only a later one is a second Ctrl-C.
      if (performance.now() - first < SAME_SIGNAL_MS) return;
      // A second Ctrl-C while stopping: leave at once (what was running is released at the next start).
      process.exit(130);
    };
    for (const signal of signals) process.on(signal, onSignal);
    const outcome = await Promise.race([signalled, service.done.then(() => "the worker stopped")]).catch(
      (e: Error) => `the worker failed: ${e.message}`,
    );
    first ??= performance.now();
    await service.stop(outcome);
    // Work still unwinding in this process (a DuckDB build cut short) must not hold the exit.
    process.exit(outcome.startsWith("SIG") ? 0 : 1);
  },
);
