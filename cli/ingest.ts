import { createHash } from "node:crypto";
import { basename, relative, resolve } from "node:path";
import { dataPaths } from "../lib/config.ts";
import { type DocumentOutcome, describeOutcome, type RunDetail } from "../pipelines/context.ts";
import {
  chainState,
  describeRejection,
  jobStates,
  lastChainFailure,
  lastRunId,
  latestPublish,
  rejectedSince,
  runToAnswer,
  type TestRejection,
} from "../pipelines/follow.ts";
import { readPublished } from "../pipelines/published.ts";
import { ONE_SHOT_TASKS, openPipeline, type Pipeline } from "../pipelines/worker.ts";
import { printable, quarantine } from "../warehouse/quarantine.ts";
import { DocumentRejected, readDocumentFile } from "../warehouse/store.ts";
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

It runs the service's jobs (accept_document → extract_document → build_warehouse → run_data_tests →
publish_warehouse) to completion on the service's Postgres, so it can run beside \`npm start\`.

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
    const pipeline = await openPipeline({ log: progress, databaseLog: () => {}, tasks: ONE_SHOT_TASKS });
    let rejected = 0;
    // A rejected file is kept in $OBS_DATA_DIR/quarantine with its reason (warehouse/quarantine.ts).
    const kept: Promise<void>[] = [];
    const keep = (path: string, reason: string) =>
      kept.push(
        quarantine(path, reason).then(
          (q) => void progress(`  kept in ${relative(dataPaths().root, q)}`),
          (e: Error) => void progress(`  could not be kept in quarantine: ${e.message}`),
        ),
      );
    let outcome: Outcome;
    try {
      // Where things stood before: what was published already, and the last run of the run log.
      const since = await lastRunId(pipeline.db);
      const publishedBefore = new Set((await readPublished())?.documents.map((d) => d.document_id));
      // npm runs scripts in the project root: a relative path is meant from where the user typed it.
      const base = process.env.INIT_CWD || process.cwd();
      const mine: Given[] = [];
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
            process.stderr.write(
              `✗ rejected ${printable(file)}: Nie ma takiego pliku: sprawdź ścieżkę i nazwę — no such file\n`,
            );
            return null;
          }
          throw e;
        });
        if (bytes === null) continue;
        const sha256 = createHash("sha256").update(bytes).digest("hex");
        // A name with a newline or other control character is shown and kept escaped (one line).
        const fileName = printable(basename(file));
        // The same file given by two commands at once is one job (its key): both follow it.
        const job = await pipeline.addJob("accept_document", {
          path,
          fileName,
          sha256,
          origin: "cli",
          refresh,
          ...(replace ? { replace } : {}),
        });
        mine.push({ path, fileName, jobId: String(job.id), outcome: null });
      }
      outcome = await followIngest(pipeline, mine, {
        refresh,
        since,
        publishedBefore,
        rejected: (g) => keep(g.path, g.outcome?.reason ?? "rejected"),
      });
      for (const g of mine) if (g.outcome?.status === "rejected" || g.testRejection) rejected++;
      await Promise.all(kept);
    } finally {
      await pipeline.close();
    }
    if (outcome.failure) throw outcome.failure;
    if (outcome.published) {
      const s = outcome.published;
      progress(
        `Published ${s.observations} figures from ${s.documents} documents in ${Number(s.seconds ?? 0).toFixed(1)} s${s.incremental ? " (incremental build)" : ""}`,
      );
    } else if (outcome.unchanged) {
      progress("Nothing new to load; the warehouse is unchanged.");
    }
    return rejected > 0 ? 1 : 0;
  },
);

/** One file of this command and, once known, what became of it. */
interface Given {
  path: string;
  fileName: string;
  jobId: string;
  outcome: DocumentOutcome | null;
  /** Stored, then rejected by the warehouse's error tests (moved into the quarantine by run_data_tests). */
  testRejection?: TestRejection;
}

interface Outcome {
  failure?: Error;
  /** The latest publish, which holds this command's documents. */
  published?: RunDetail;
  /** Every document of this command was published before it began. */
  unchanged?: boolean;
}

/**
 * Follow this command's own jobs in Postgres until each file has its outcome and, with a refresh,
 * until its documents are in the published warehouse or the chain to it has failed (then, on
 * success, until the chain has nothing left pending: runToAnswer). Whichever
 * worker runs them (this process, another command, the service, another machine) makes no
 * difference, and what this process runs for others is not reported as its own.
 */
async function followIngest(
  pipeline: Pipeline,
  mine: Given[],
  opts: { refresh: boolean; since: number; publishedBefore: Set<string>; rejected: (g: Given) => void },
): Promise<Outcome> {
  const { db } = pipeline;
  let nudged = false;
  return runToAnswer(pipeline, async (): Promise<Outcome | undefined> => {
    const states = await jobStates(
      db,
      mine.filter((g) => !g.outcome).map((g) => g.jobId),
    );
    let waiting = false;
    for (const g of mine.filter((m) => !m.outcome)) {
      const state = states.get(g.jobId);
      if (!state || state.kind === "pending") waiting = true;
      else if (state.kind === "retrying") return { failure: stillQueued(state.task, state.error) };
      else if (state.kind === "failed") {
        return { failure: new Error(`${g.fileName} could not be taken: ${firstLine(state.error)}`) };
      } else {
        g.outcome = state.detail as unknown as DocumentOutcome;
        process.stderr.write(`${describeOutcome(g.outcome)}\n`);
        if (g.outcome.status === "rejected") opts.rejected(g);
      }
    }
    if (waiting) return undefined;
    // Stored, but failing an error-severity data test: rejected and quarantined, the others built again.
    const rejections = opts.refresh ? await rejectedSince(db, opts.since) : [];
    for (const g of mine) {
      const r = rejections.find((x) => x.documentId === g.outcome?.documentId);
      if (!r || g.testRejection || g.outcome?.status === "rejected") continue;
      g.testRejection = r;
      process.stderr.write(`${describeRejection({ ...r, fileName: g.fileName })}\n`);
    }
    const ids = [
      ...new Set(
        mine
          .map((g) => g.outcome)
          .filter((o) => o && o.status !== "rejected" && o.documentId)
          .map((o) => o?.documentId as string)
          .filter((id) => !rejections.some((r) => r.documentId === id)),
      ),
    ];
    if (!opts.refresh || ids.length === 0) return {};
    if (ids.every((id) => opts.publishedBefore.has(id))) return { unchanged: true };
    // Published? The run log says so right after a publish; the published snapshot is the truth.
    const loaded = await db
      .selectFrom("obs.documents")
      .select("document_id")
      .where("document_id", "in", ids)
      .where("state", "in", ["loaded", "superseded"])
      .execute();
    const chain = await chainState(db);
    if (loaded.length < ids.length && chain.pending > 0) return undefined;
    const published = new Set((await readPublished())?.documents.map((d) => d.document_id));
    if (ids.every((id) => published.has(id))) return { published: (await latestPublish(db)) ?? {} };
    if (chain.pending > 0) return undefined;
    // Nothing left to run, and not published: a build or its tests failed, or nothing asked for one.
    const failed = await lastChainFailure(db, opts.since);
    if (failed) return { failure: new Error(`${failed.task} failed: ${failed.error}`) };
    const queued = chain.retrying[0];
    if (queued) return { failure: stillQueued(queued.task, queued.error) };
    if (!nudged) {
      // Known already but never loaded (stored with --no-refresh): load it now.
      nudged = true;
      for (const id of ids.filter((i) => !published.has(i)))
        await pipeline.addJob("extract_document", { documentId: id });
      return undefined;
    }
    return {
      failure: new Error(
        `${ids.filter((i) => !published.has(i)).join(", ")} not in the published warehouse (see npm run status)`,
      ),
    };
  });
}

// Function declarations, not consts: they are hoisted above the command's top-level await that uses them.
function firstLine(s: string): string {
  return s.split("\n")[0] ?? s;
}

function stillQueued(task: string, error: string): Error {
  return new Error(`${task} failed: ${firstLine(error)} (the job stays queued; \`npm start\` retries it)`);
}
