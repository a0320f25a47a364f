/**
 * The service part of `npm run collect`: one collect_reports job per source, run here (or by the
 * service, whichever takes it), then what they brought through the inbox to the published
 * warehouse. What each source gave is read from the run log (obs.runs), whoever ran the job.
 */
import { type DocumentOutcome, describeOutcome, describePublish } from "../pipelines/context.ts";
import {
  CHAIN_TASKS,
  chainState,
  describeRejection,
  jobStates,
  lastChainFailure,
  lastRunId,
  latestPublish,
  rejectedSince,
  runUntil,
} from "../pipelines/follow.ts";
import type { Payload } from "../pipelines/payloads.ts";
import type { ReportSource } from "../pipelines/sources.ts";
import { ONE_SHOT_TASKS, openPipeline } from "../pipelines/worker.ts";
import { progress } from "./command.ts";

export interface SourceResult {
  sourceId: string;
  new: number;
  unchanged: number;
  failed: number;
  /** Why each address failed ("url: reason"). */
  failures: string[];
  /** The whole source could not be read (its job failed; the service tries it again). */
  error: string | null;
}

const firstLine = (s: string) => s.split("\n")[0] ?? s;

/**
 * Collect from these sources now; prints a line per source and what became of the new reports.
 * `loadFailed`: new reports came, but the chain to the published warehouse failed.
 */
export async function collectRound(
  sources: ReportSource[],
  round: NonNullable<Payload<"collect_reports">["round"]>,
): Promise<{ results: SourceResult[]; loadFailed: boolean }> {
  const pipeline = await openPipeline({
    log: progress,
    databaseLog: () => {},
    tasks: [...ONE_SHOT_TASKS, "collect_reports", "discover_documents"],
  });
  try {
    const since = await lastRunId(pipeline.db);
    const jobs = new Map<string, string>();
    for (const s of sources) {
      const job = await pipeline.addJob("collect_reports", { round, sourceId: s.id });
      jobs.set(s.id, String(job.id));
    }
    // Each source's first attempt, whoever ran it: a failed one is retried later by the service.
    const results = await runUntil(pipeline, async () => {
      const states = await jobStates(pipeline.db, [...jobs.values()]);
      const out: SourceResult[] = [];
      for (const [sourceId, jobId] of jobs) {
        const state = states.get(jobId);
        if (!state || state.kind === "pending") return undefined;
        if (state.kind === "done") {
          const d = (state.detail ?? {}) as {
            new?: number;
            notModified?: number;
            unchanged?: number;
            errors?: string[];
          };
          const failures = d.errors ?? [];
          out.push({
            sourceId,
            new: d.new ?? 0,
            unchanged: (d.notModified ?? 0) + (d.unchanged ?? 0),
            failed: failures.length,
            failures,
            error: null,
          });
        } else
          out.push({
            sourceId,
            new: 0,
            unchanged: 0,
            failed: 0,
            failures: [],
            // Retried later by the service, or its attempts used up (every retry failed, or it never can work).
            error:
              state.kind === "retrying"
                ? `${firstLine(state.error)} (the job stays queued; \`npm start\` tries it again)`
                : firstLine(state.error),
          });
      }
      return out;
    });
    for (const r of results) {
      if (r.error) {
        progress(`✗ ${r.sourceId}: failed: ${r.error}`);
        continue;
      }
      progress(
        `${r.failed > 0 ? "!" : "✓"} ${r.sourceId}: ${r.new} new, ${r.unchanged} unchanged, ${r.failed} failed`,
      );
      for (const f of r.failures) progress(`  ! ${f}`);
    }
    let loadFailed = false;
    if (results.some((r) => r.new > 0)) {
      // The new reports wait in the inbox until unchanged for the settle time, then go the usual way.
      await runUntil(pipeline, async () =>
        (await chainState(pipeline.db, ["discover_documents", ...CHAIN_TASKS])).pending > 0
          ? undefined
          : true,
      );
      const accepted = await pipeline.db
        .selectFrom("obs.runs")
        .select("detail")
        .where("task", "=", "accept_document")
        .where("status", "=", "succeeded")
        .where("run_id", ">", since)
        .orderBy("run_id")
        .execute();
      for (const a of accepted)
        if (a.detail) progress(describeOutcome(a.detail as unknown as DocumentOutcome));
      for (const r of await rejectedSince(pipeline.db, since)) progress(describeRejection(r));
      const failure = await lastChainFailure(pipeline.db, since);
      const published = await latestPublish(pipeline.db, since);
      if (published) {
        progress(describePublish(published));
      } else if (failure) {
        loadFailed = true;
        progress(`✗ ${failure.task} failed: ${firstLine(failure.error)}`);
      }
    }
    return { results, loadFailed };
  } finally {
    await pipeline.close();
  }
}
