import { basename } from "node:path";
import { refresh } from "../warehouse/refresh.ts";
import { DocumentRejected, storeDocument } from "../warehouse/store.ts";
import { progress, runCommand, UsageError } from "./command.ts";

const usage = `Usage: npm run ingest -- <file>... [--no-refresh]

Recognise each report from its content (centre, kind of report, period), validate its figures and
keep it in $OBS_DATA_DIR/documents, then refresh the warehouse. .txt (UTF-8 or Windows-1250) and
.pdf with a text layer are read. A rejected document is named with the reason, exit code 1, and the
published warehouse stays exactly as it was. The same document twice (under any name) changes nothing.

Options:
  --no-refresh  store the documents but do not rebuild the warehouse
  -h, --help    show this help`;

await runCommand(
  {
    usage,
    allowPositionals: true,
    options: { "no-refresh": { type: "boolean" }, help: { type: "boolean", short: "h" } },
  },
  async ({ values, positionals }) => {
    if (positionals.length === 0) throw new UsageError("name at least one file to ingest (see --help)");
    let rejected = 0;
    let stored = 0;
    for (const file of positionals) {
      try {
        const r = await storeDocument(file);
        if (r.status === "stored") stored++;
        const what = `${r.recognition.centre_id}/${r.recognition.kind} ${r.recognition.periods.join(", ")}`;
        progress(
          `${r.status === "stored" ? "✓ stored" : "= already known"} ${basename(file)}: ${what} (${r.observationCount} figures, id ${r.documentId})`,
        );
      } catch (e) {
        if (!(e instanceof DocumentRejected) && (e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
        rejected++;
        process.stderr.write(
          `✗ rejected ${e instanceof DocumentRejected ? e.message : `${file}: no such file`}\n`,
        );
      }
    }
    if (stored > 0 && !values["no-refresh"]) {
      const s = await refresh({ log: progress });
      progress(
        `Published ${s.observations} figures from ${s.documents} documents in ${s.seconds.toFixed(1)} s`,
      );
    } else if (stored === 0) {
      progress("Nothing new to load; the warehouse is unchanged.");
    }
    return rejected > 0 ? 1 : 0;
  },
);
