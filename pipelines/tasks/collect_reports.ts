import { mkdir } from "node:fs/promises";
import { sql } from "kysely";
import { dataPaths } from "../../lib/config.ts";
import { defineTask, enqueue, PermanentFailure } from "../context.ts";
import { collectSource, dropIntoInbox, readSources } from "../sources.ts";

/**
 * A collection round. Without `sourceId` it fans out: one job per report source of the round (queue
 * `collect`, one source at a time), then a freshness check. With `sourceId` it visits that source and
 * drops what is new into the inbox, recording what it saw at every address (obs.source_items).
 */
export default defineTask({
  name: "collect_reports",
  async run({ round = "manual", sourceId }, ctx, helpers) {
    const config = await readSources();
    if (!sourceId) {
      const chosen = config.sources.filter((s) => round === "manual" || s.rounds.includes(round));
      for (const s of chosen) await enqueue(helpers.addJob, "collect_reports", { round, sourceId: s.id });
      await enqueue(helpers.addJob, "check_freshness", { round });
      ctx.log(
        `Collection round (${round}): ${chosen.length ? chosen.map((s) => s.id).join(", ") : "no report sources configured"}`,
      );
      return { round, sources: chosen.map((s) => s.id) };
    }
    const source = config.sources.find((s) => s.id === sourceId);
    if (!source) throw new PermanentFailure(new Error(`no report source ${sourceId} in the configuration`));

    const seen = await ctx.db
      .selectFrom("obs.source_items")
      .select(["url", "etag", "last_modified", "sha256"])
      .where("source_id", "=", source.id)
      .execute();
    const items = await collectSource(source, seen, config.user_agent, helpers.abortSignal);
    const { inbox } = dataPaths();
    await mkdir(inbox, { recursive: true });
    const dropped: string[] = [];
    for (const item of items) {
      // Recorded before the file lands, so that accept_document can tell it was collected.
      await ctx.db
        .insertInto("obs.source_items")
        .values({
          source_id: source.id,
          url: item.url,
          etag: item.etag,
          last_modified: item.lastModified,
          sha256: item.sha256,
          status: item.status,
          http_status: item.httpStatus,
          error: item.error,
          changed_at: item.status === "new" ? new Date() : null,
        })
        .onConflict((oc) =>
          oc.columns(["source_id", "url"]).doUpdateSet({
            etag: sql`excluded.etag`,
            last_modified: sql`excluded.last_modified`,
            sha256: sql`coalesce(excluded.sha256, obs.source_items.sha256)`,
            status: sql`excluded.status`,
            http_status: sql`excluded.http_status`,
            error: sql`excluded.error`,
            checked_at: sql`now()`,
            changed_at: sql`coalesce(excluded.changed_at, obs.source_items.changed_at)`,
          }),
        )
        .execute();
      if (item.bytes && item.fileName) dropped.push(await dropIntoInbox(inbox, item.fileName, item.bytes));
    }
    const count = (status: string) => items.filter((i) => i.status === status).length;
    const errors = items.filter((i) => i.status === "error");
    ctx.log(
      `Collected from ${source.id}: ${dropped.length} new report(s) into the inbox, ${count("not_modified")} not modified, ${count("unchanged")} unchanged, ${errors.length} error(s)`,
    );
    for (const e of errors) ctx.log(`  ! ${e.url}: ${e.error}`);
    if (dropped.length > 0) await enqueue(helpers.addJob, "discover_documents", {});
    if (errors.length > 0 && errors.length === items.length) {
      throw new Error(`source ${source.id} could not be read: ${errors[0]?.error}`);
    }
    return {
      sourceId: source.id,
      new: dropped.length,
      notModified: count("not_modified"),
      unchanged: count("unchanged"),
      errors: errors.map((e) => `${e.url}: ${e.error}`),
    };
  },
});
