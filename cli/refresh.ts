import { dataPaths } from "../lib/config.ts";
import { refresh } from "../warehouse/refresh.ts";
import { progress, runCommand } from "./command.ts";

const usage = `Usage: npm run refresh [-- --quiet]

Load every known document (the reports bundled under sources/<centre>/documents and those ingested
into $OBS_DATA_DIR/documents), build the DuckDB warehouse, run its data tests and publish it
atomically to $OBS_DATA_DIR/warehouse/published.duckdb. A failed build or test leaves the published
snapshot as it was. Exit 0 on success, 1 on failure (the reason is printed).

Options:
  -q, --quiet   print only the summary
  -h, --help    show this help

Environment:
  OBS_DATA_DIR  data directory (default ./data)`;

await runCommand(
  { usage, options: { quiet: { type: "boolean", short: "q" }, help: { type: "boolean", short: "h" } } },
  async ({ values }) => {
    const summary = await refresh({ log: values.quiet ? undefined : progress });
    progress(
      `Published ${summary.observations} figures from ${summary.documents} documents (${summary.models} models, ${summary.warnings} warnings) in ${summary.seconds.toFixed(1)} s → ${dataPaths().published}`,
    );
    return 0;
  },
);
