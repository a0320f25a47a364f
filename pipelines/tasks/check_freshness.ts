import { sql } from "kysely";
import { listDocuments } from "../../warehouse/store.ts";
import { partitionsOfDocuments } from "../calendar.ts";
import { defineTask } from "../context.ts";
import { inBatches } from "../db.ts";

/** How long the run log keeps finished runs and stopped worker pools. */
const KEEP_RUNS = "180 days";
const KEEP_POOLS = "14 days";

/**
 * Check every centre × kind of report × period of the report calendar against the documents
 * received: received, expected (deadline ahead) or late (deadline passed, no report).
 */
export default defineTask({
  name: "check_freshness",
  async run(payload, ctx) {
    const partitions = partitionsOfDocuments(await listDocuments(), new Date());
    const before = await ctx.db
      .selectFrom("obs.partitions")
      .select(["centre_id", "report_kind", "period_id", "state"])
      .execute();
    const key = (p: { centre_id: string; report_kind: string; period_id: string }) =>
      `${p.centre_id}/${p.report_kind} ${p.period_id}`;
    const previous = new Map(before.map((p) => [key(p), p.state]));
    await ctx.db.transaction().execute(async (trx) => {
      await trx.deleteFrom("obs.partitions").execute();
      const checkedAt = new Date();
      await inBatches(partitions, (batch) =>
        trx
          .insertInto("obs.partitions")
          .values(batch.map((p) => ({ ...p, checked_at: checkedAt })))
          .execute(),
      );
    });
    // Changes since the last check, one line each (the first check only counts).
    for (const p of previous.size > 0 ? partitions : []) {
      const was = previous.get(key(p));
      if (p.state === "late" && was !== "late") ctx.log(`  ! late: ${key(p)} (deadline ${p.deadline})`);
      if (p.state === "received" && was !== undefined && was !== "received")
        ctx.log(`  ✓ received: ${key(p)}`);
    }
    const count = (s: string) => partitions.filter((p) => p.state === s).length;
    ctx.log(
      `Freshness${payload.round ? ` (${payload.round} round)` : ""}: ${count("received")} received, ${count("expected")} expected, ${count("late")} late`,
    );
    await ctx.db
      .deleteFrom("obs.runs")
      .where("finished_at", "<", sql<Date>`now() - ${sql.lit(KEEP_RUNS)}::interval`)
      .execute();
    await ctx.db
      .deleteFrom("obs.pools")
      .where("stopped_at", "<", sql<Date>`now() - ${sql.lit(KEEP_POOLS)}::interval`)
      .execute();
    return { received: count("received"), expected: count("expected"), late: count("late") };
  },
});
