import { relative } from "node:path";
import { type ReportSource, readSources, sourcesFile } from "../pipelines/sources.ts";
import { progress, runCommand, UsageError } from "./command.ts";

const usage = `Usage: npm run collect [-- --round half_year|year] [--source ID]

Run a collection round now, as the crontab runs one on 1 August (half-year reports) and 1 March
(yearly reports): visit each report source of pipelines/report-sources.json (or the file named by
OBS_REPORT_SOURCES) and bring what is new into the inbox, and from there through the service's jobs
into the published warehouse. Prints, per source, how many reports were new, unchanged (the same
bytes, or a 304 Not Modified) and failed, with why. Exit code 1 when a source or one of its reports
could not be read (a source that failed whole stays queued: \`npm start\` tries it again), or on an
unknown source id or round. Without report sources it says so and starts nothing.

Options:
  --round R     half_year or year: only the sources that round visits (default: every source)
  --source ID   only this source
  -h, --help    show this help

Environment:
  OBS_DATA_DIR        data directory (default ./data)
  OBS_REPORT_SOURCES  another report sources file
  DATABASE_URL        the service's Postgres when it is not the embedded one`;

await runCommand(
  {
    usage,
    options: {
      round: { type: "string" },
      source: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  },
  async ({ values }) => {
    const round = values.round;
    if (round !== undefined && round !== "half_year" && round !== "year") {
      throw new UsageError(`--round is half_year or year, not ${round}`);
    }
    // The configuration is checked before anything starts: a wrong id or file is answered at once.
    const config = await readSources();
    const file = relative(process.env.INIT_CWD || process.cwd(), sourcesFile()) || sourcesFile();
    if (values.source !== undefined && !config.sources.some((s) => s.id === values.source)) {
      const known = config.sources.map((s) => s.id).join(", ") || "none";
      throw new UsageError(`no report source ${values.source} in ${file} (sources: ${known})`);
    }
    const chosen: ReportSource[] = config.sources.filter(
      (s) => (values.source === undefined || s.id === values.source) && (!round || s.rounds.includes(round)),
    );
    if (chosen.length === 0) {
      progress(
        config.sources.length === 0
          ? `No report sources in ${file}: nothing to collect (its $comment says how to add one).`
          : `No report source of ${file} is visited by the ${round} round: nothing to collect.`,
      );
      return 0;
    }
    // Only now the service's parts (Postgres, the queue).
    const { collectRound } = await import("./collect-jobs.ts");
    const { results, loadFailed } = await collectRound(chosen, round ?? "manual");
    return loadFailed || results.some((r) => r.failed > 0 || r.error) ? 1 : 0;
  },
);
