/**
 * The service part of `npm run ingest`: the files that passed cli/ingest.ts's checks go through the
 * service's jobs (accept_document → extract_document → build_warehouse → run_data_tests →
 * publish_warehouse) on its Postgres, and the command follows them to an answer. A module of its own
 * so that a command with no such file never loads, let alone starts, Postgres and the queue.
 */
import { basename } from "node:path";
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
import { printable } from "../warehouse/quarantine.ts";
import { progress } from "./command.ts";

/** A file checked by the command and found new (or stored but not yet published). */
export interface IngestWork {
  path: string;
  /** As the user gave it. */
  file: string;
  sha256: string;
}

/** Queue the files' jobs, follow them to an answer, and count the files rejected on the way. */
export async function runIngestJobs(
  work: IngestWork[],
  opts: {
    refresh: boolean;
    replace: boolean;
    /** The documents published before the command began. */
    publishedBefore: Set<string>;
    /** Keep a rejected file in the quarantine with its reason. */
    keep: (path: string, reason: string) => void;
  },
): Promise<{ outcome: Outcome; rejected: number }> {
  const { refresh, replace } = opts;
  const pipeline = await openPipeline({ log: progress, databaseLog: () => {}, tasks: ONE_SHOT_TASKS });
  try {
    // Where things stood before: the last run of the run log.
    const since = await lastRunId(pipeline.db);
    const mine: Given[] = [];
    for (const { path, file, sha256 } of work) {
      // A name with a newline or other control character is shown and kept escaped (one line).
      const fileName = printable(basename(file));
      // The job reads the file again and keeps what it read. The same file given by two commands
      // at once is one job (its key): both follow it.
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
    const outcome = await followIngest(pipeline, mine, {
      refresh,
      since,
      publishedBefore: opts.publishedBefore,
      rejected: (g) => opts.keep(g.path, g.outcome?.reason ?? "rejected"),
    });
    return {
      outcome,
      rejected: mine.filter((g) => g.outcome?.status === "rejected" || g.testRejection).length,
    };
  } finally {
    await pipeline.close();
  }
}

/** One file of this command and, once known, what became of it. */
interface Given {
  path: string;
  fileName: string;
  jobId: string;
  outcome: DocumentOutcome | null;
  /** Stored, then rejected by the warehouse's error tests (moved into the quarantine by run_data_tests). */
  testRejection?: TestRejection;
}

export interface Outcome {
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

function firstLine(s: string): string {
  return s.split("\n")[0] ?? s;
}

function stillQueued(task: string, error: string): Error {
  return new Error(`${task} failed: ${firstLine(error)} (the job stays queued; \`npm start\` retries it)`);
}
