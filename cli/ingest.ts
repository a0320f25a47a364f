import { createHash } from "node:crypto";
import { basename, relative, resolve } from "node:path";
import { dataPaths } from "../lib/config.ts";
import { type DocumentOutcome, describeOutcome, describePublish } from "../pipelines/context.ts";
import { printable, quarantine } from "../warehouse/quarantine.ts";
import { DocumentRejected, findDocument, inspectDocument } from "../warehouse/store.ts";
import { progress, runCommand, UsageError } from "./command.ts";

const usage = `Usage: npm run ingest -- <file>... [--no-refresh] [--replace]

Recognise each report from its content (centre, kind of report, period), validate its figures and
keep it in $OBS_DATA_DIR/documents, then refresh the warehouse. .txt (UTF-8, UTF-16, Windows-1250 or
ISO-8859-2) and .pdf with a text layer are read. A rejected document is named with the reason, exit
code 1, a copy is kept in $OBS_DATA_DIR/quarantine with <name>.error.txt beside it, and the published
warehouse stays exactly as it was. A stored document whose figures fail an error-severity data test
is rejected the same way (taken out of the store into the quarantine) and the others are published. The same document twice (under any name) changes nothing.
A re-issue of a report (same centre, kind and periods) with fewer figures than its current version is
rejected with that reason (a copy taken half-written, a shorter edition): give --replace to take it anyway.
Your files are left where they are.

Each file is read, recognised and checked first: one that is missing, empty, not a report of a
known kind (or already published) is answered at once, without starting Postgres or the queue. The
others go through the service's jobs (accept_document → extract_document → build_warehouse →
run_data_tests → publish_warehouse) to completion on the service's Postgres, so it can run beside
\`npm start\`.

Options:
  --no-refresh  store the documents but do not rebuild the warehouse
  --replace     take a re-issue even when it has fewer figures than the version it replaces
  -h, --help    show this help

Environment:
  OBS_DATA_DIR  data directory (default ./data)
  DATABASE_URL  the service's Postgres when it is not the embedded one`;

await runCommand(
  {
    usage,
    allowPositionals: true,
    options: {
      "no-refresh": { type: "boolean" },
      replace: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  },
  async ({ values, positionals }) => {
    if (positionals.length === 0) throw new UsageError("name at least one file to ingest (see --help)");
    const refresh = !values["no-refresh"];
    const replace = values.replace === true;
    // npm runs scripts in the project root: a relative path is meant from where the user typed it.
    const base = process.env.INIT_CWD || process.cwd();
    let rejected = 0;
    // A rejected file is kept in $OBS_DATA_DIR/quarantine with its reason (warehouse/quarantine.ts).
    const kept: Promise<void>[] = [];
    const keep = (path: string, reason: string) => {
      const done = quarantine(path, reason).then(
        (q) => void progress(`  kept in ${relative(dataPaths().root, q)}`),
        (e: Error) => void progress(`  could not be kept in quarantine: ${e.message}`),
      );
      kept.push(done);
      return done;
    };
    // First what needs no service: each file is read, recognised and its figures checked here, so a
    // missing, empty or unknown file is answered at once, and the queue and Postgres start only when
    // a file is new (or stored but not yet published) and there is work for them.
    let published: Set<string> | undefined;
    const publishedIds = async () => {
      const { readPublished } = await import("../pipelines/published.ts");
      published ??= new Set((await readPublished())?.documents.map((d) => d.document_id));
      return published;
    };
    const work: { path: string; file: string; sha256: string }[] = [];
    let known = 0;
    for (const file of positionals) {
      const path = resolve(base, file);
      const checked = await checkFile(path, file);
      if (checked.kind === "rejected") {
        rejected++;
        process.stderr.write(`✗ rejected ${printable(checked.name)}: ${checked.reason}\n`);
        // Kept before the next file is looked at: its "kept in" line follows its rejection line.
        if (checked.keep) await keep(path, checked.reason);
      } else if (
        checked.kind === "known" &&
        (!refresh || (await publishedIds()).has(checked.outcome.documentId ?? ""))
      ) {
        known++;
        process.stderr.write(`${describeOutcome(checked.outcome)}\n`);
      } else work.push({ path, file, sha256: checked.sha256 });
    }
    if (work.length === 0) {
      await Promise.all(kept);
      if (refresh && known > 0) progress("Nothing new to load; the warehouse is unchanged.");
      return rejected > 0 ? 1 : 0;
    }
    // Only now the service's parts (Postgres, the queue): loaded here, so an answer above never pays for them.
    const { runIngestJobs } = await import("./ingest-jobs.ts");
    const { outcome, rejected: rejectedByJobs } = await runIngestJobs(work, {
      refresh,
      replace,
      publishedBefore: await publishedIds(),
      keep,
    });
    rejected += rejectedByJobs;
    await Promise.all(kept);
    if (outcome.failure) throw outcome.failure;
    if (outcome.published) {
      progress(describePublish(outcome.published));
    } else if (outcome.unchanged) {
      progress("Nothing new to load; the warehouse is unchanged.");
    }
    return rejected > 0 ? 1 : 0;
  },
);

type Checked =
  | { kind: "rejected"; name: string; reason: string; keep: boolean }
  | { kind: "known" | "new"; sha256: string; outcome: DocumentOutcome };

/**
 * What can be known of a file without the service: missing, not a regular file, too large, empty,
 * not a report of a known kind, figures that do not validate (all rejected, as accept_document would),
 * or a document the store knows already.
 */
async function checkFile(path: string, file: string): Promise<Checked> {
  try {
    // Never follows a link, never reads a directory, a FIFO or a 20 GB file (readDocument).
    const doc = await inspectDocument(path, basename(file));
    const knownAs = await findDocument(doc.documentId);
    const r = doc.recognition;
    return {
      kind: knownAs ? "known" : "new",
      sha256: createHash("sha256").update(doc.bytes).digest("hex"),
      outcome: {
        status: "duplicate",
        fileName: printable(basename(file)),
        documentId: doc.documentId,
        what: `${r.centre_id}/${r.kind} ${r.periods.join(", ")}`,
        observationCount: doc.observations.length,
        reason: null,
        warnings: doc.warnings,
      },
    };
  } catch (e) {
    if (e instanceof DocumentRejected)
      return { kind: "rejected", name: e.fileName, reason: e.reason, keep: true };
    if ((e as NodeJS.ErrnoException).code === "ENOENT") {
      return {
        kind: "rejected",
        name: file,
        reason: "Nie ma takiego pliku: sprawdź ścieżkę i nazwę — no such file",
        keep: false,
      };
    }
    throw e;
  }
}
