import { createHash } from "node:crypto";
import { basename, relative, resolve } from "node:path";
import { dataPaths } from "../lib/config.ts";
import type { PublishSummary } from "../pipelines/context.ts";
import { ONE_SHOT_TASKS, openPipeline, runToCompletion } from "../pipelines/worker.ts";
import { printable, quarantine } from "../warehouse/quarantine.ts";
import { DocumentRejected, documentIdOf, readDocumentFile } from "../warehouse/store.ts";
import { progress, runCommand, UsageError } from "./command.ts";

const usage = `Usage: npm run ingest -- <file>... [--no-refresh]

Recognise each report from its content (centre, kind of report, period), validate its figures and
keep it in $OBS_DATA_DIR/documents, then refresh the warehouse. .txt (UTF-8, UTF-16, Windows-1250 or
ISO-8859-2) and .pdf with a text layer are read. A rejected document is named with the reason, exit
code 1, a copy is kept in $OBS_DATA_DIR/quarantine with <name>.error.txt beside it, and the published
warehouse stays exactly as it was. The same document twice (under any name) changes nothing.
Your files are left where they are.

It runs the service's jobs (accept_document → extract_document → build_warehouse → run_data_tests →
publish_warehouse) to completion on the service's Postgres, so it can run beside \`npm start\`.

Options:
  --no-refresh  store the documents but do not rebuild the warehouse
  -h, --help    show this help

Environment:
  OBS_DATA_DIR  data directory (default ./data)
  DATABASE_URL  the service's Postgres when it is not the embedded one`;

await runCommand(
  {
    usage,
    allowPositionals: true,
    options: { "no-refresh": { type: "boolean" }, help: { type: "boolean", short: "h" } },
  },
  async ({ values, positionals }) => {
    if (positionals.length === 0) throw new UsageError("name at least one file to ingest (see --help)");
    const pipeline = await openPipeline({ log: progress, databaseLog: () => {}, tasks: ONE_SHOT_TASKS });
    let rejected = 0;
    let stored = 0;
    let summary: PublishSummary | undefined;
    let failure: Error | undefined;
    // A rejected file is kept in $OBS_DATA_DIR/quarantine with its reason (warehouse/quarantine.ts).
    const given = new Map<string, string>();
    const kept: Promise<void>[] = [];
    const keep = (path: string, reason: string) =>
      kept.push(
        quarantine(path, reason).then(
          (q) => void progress(`  kept in ${relative(dataPaths().root, q)}`),
          (e: Error) => void progress(`  could not be kept in quarantine: ${e.message}`),
        ),
      );
    pipeline.ctx.events.on("document", (d) => {
      if (d.status === "stored") stored++;
      if (d.status === "rejected") {
        rejected++;
        const path = d.documentId ? given.get(d.documentId) : undefined;
        if (path && d.reason) keep(path, d.reason);
      }
    });
    pipeline.ctx.events.on("published", (s) => {
      summary = s;
    });
    pipeline.ctx.events.on("failed", (e) => {
      failure = e;
    });
    try {
      // npm runs scripts in the project root: a relative path is meant from where the user typed it.
      const base = process.env.INIT_CWD || process.cwd();
      for (const file of positionals) {
        const path = resolve(base, file);
        // Never follows a link, never reads a directory, a FIFO or a 20 GB file (readDocumentFile).
        const bytes = await readDocumentFile(path, basename(file)).catch((e: NodeJS.ErrnoException) => {
          if (e instanceof DocumentRejected) {
            rejected++;
            process.stderr.write(`✗ rejected ${printable(e.fileName)}: ${e.reason}\n`);
            keep(path, e.reason);
            return null;
          }
          if (e.code === "ENOENT") {
            rejected++;
            process.stderr.write(`✗ rejected ${printable(file)}: no such file\n`);
            return null;
          }
          throw e;
        });
        if (bytes === null) continue;
        given.set(documentIdOf(bytes), path);
        const sha256 = createHash("sha256").update(bytes).digest("hex");
        await pipeline.addJob("accept_document", {
          path,
          // A name with a newline or other control character is shown and kept escaped (one line).
          fileName: printable(basename(file)),
          sha256,
          origin: "cli",
          refresh: !values["no-refresh"],
        });
      }
      await runToCompletion(pipeline);
      await Promise.all(kept);
    } finally {
      await pipeline.close();
    }
    if (failure) throw failure;
    if (summary) {
      progress(
        `Published ${summary.observations} figures from ${summary.documents} documents in ${summary.seconds.toFixed(1)} s`,
      );
    } else if (stored === 0) {
      progress("Nothing new to load; the warehouse is unchanged.");
    }
    return rejected > 0 ? 1 : 0;
  },
);
