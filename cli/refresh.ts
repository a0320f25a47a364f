import { dataPaths } from "../lib/config.ts";
import type { PublishSummary } from "../pipelines/context.ts";
import { ONE_SHOT_TASKS, openPipeline, runToCompletion } from "../pipelines/worker.ts";
import { progress, runCommand } from "./command.ts";

const usage = `Usage: npm run refresh [-- --quiet]

Load every known document (the reports bundled under sources/<centre>/documents and those ingested
into $OBS_DATA_DIR/documents), build the DuckDB warehouse, run its data tests and publish it
atomically to $OBS_DATA_DIR/warehouse/published.duckdb. A failed build or test leaves the published
snapshot as it was. Exit 0 on success, 1 on failure (the reason is printed).

It runs the service's jobs (pipelines/tasks: build_warehouse → run_data_tests → publish_warehouse)
to completion on the service's Postgres (embedded in $OBS_DATA_DIR/postgres, or DATABASE_URL), so
it can run beside \`npm start\`: the queue keeps their DuckDB writes apart.

Options:
  -q, --quiet   print only the summary
  -h, --help    show this help

Environment:
  OBS_DATA_DIR  data directory (default ./data)
  DATABASE_URL  the service's Postgres when it is not the embedded one`;

await runCommand(
  { usage, options: { quiet: { type: "boolean", short: "q" }, help: { type: "boolean", short: "h" } } },
  async ({ values }) => {
    const log = values.quiet ? () => {} : progress;
    const pipeline = await openPipeline({ log, databaseLog: () => {}, tasks: ONE_SHOT_TASKS });
    let summary: PublishSummary | undefined;
    let failure: Error | undefined;
    pipeline.ctx.events.on("published", (s) => {
      summary = s;
    });
    pipeline.ctx.events.on("failed", (e) => {
      failure = e;
    });
    try {
      await pipeline.addJob("build_warehouse", { force: true, reason: "npm run refresh" });
      await runToCompletion(pipeline);
    } finally {
      await pipeline.close();
    }
    if (failure) throw failure;
    if (!summary) {
      progress(`The running service published the warehouse → ${dataPaths().published} (see npm run status)`);
      return 0;
    }
    progress(
      `Published ${summary.observations} figures from ${summary.documents} documents (${summary.models} models, ${summary.warnings} warnings) in ${summary.seconds.toFixed(1)} s → ${dataPaths().published}`,
    );
    return 0;
  },
);
