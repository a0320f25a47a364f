import { dataPaths } from "../../lib/config.ts";
import { clientOptionsFromEnv } from "../../sources/gus-bdl/client.ts";
import { fetchReference } from "../../sources/gus-bdl/fetch.ts";
import { defineTask, enqueue, PermanentFailure } from "../context.ts";

/** Years fetched by the yearly round: the last seven complete years (BDL publishes a year's figures in spring). */
const YEARS_BACK = 7;

/**
 * The yearly round of official reference figures (GUS BDL, sources/gus-bdl): fetch, and when the figures
 * changed, a build (the planner makes it a full one: "reference changed"). Offline or refused (limits,
 * 5xx, timeouts, a changed unit list), the run is logged failed with what happened and the last good
 * data stays; it is not retried: the next round, or `npm run reference -- fetch`, tries again.
 */
export default defineTask({
  name: "fetch_reference",
  async run(payload, ctx, helpers) {
    const last = new Date().getUTCFullYear() - 1;
    const years = Array.from({ length: YEARS_BACK }, (_, i) => last - YEARS_BACK + 1 + i);
    const dir = dataPaths().reference;
    const r = await fetchReference({
      dir,
      client: { ...clientOptionsFromEnv(dir), maxAgeMs: 30 * 86_400_000 },
      years,
      log: ctx.log,
    });
    for (const n of r.notes) ctx.log(`  ! ${n}`);
    // Logged as a failed run (npm run status shows it), never retried: the data stays as it was.
    if (!r.ok) throw new PermanentFailure(new Error(r.message));
    ctx.log(`✓ reference (GUS BDL): ${r.message}`);
    if (r.ok && r.added + r.changed > 0) await enqueue(helpers.addJob, "build_warehouse", {});
    return {
      message: r.message,
      figures: r.figures,
      added: r.added,
      changed: r.changed,
      requests: r.requests,
      ...(payload._cron ? { cron: payload._cron.ts } : {}),
    };
  },
});
