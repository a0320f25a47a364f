import { rm, stat } from "node:fs/promises";
import { DataTestsFailed, testWarehouse } from "../../warehouse/build.ts";
import { defineTask, enqueue, PermanentFailure } from "../context.ts";

/**
 * Run the data tests on a build. An error-severity failure ends the chain (the published warehouse
 * stays as it was); a build whose tests were interrupted may hold half its warnings, so it is thrown
 * away and built again rather than tested twice.
 */
export default defineTask({
  name: "run_data_tests",
  async run({ buildPath, build, startedAt, contentKey }, ctx, helpers) {
    const exists = (await stat(buildPath).catch(() => null)) !== null;
    if (!exists || helpers.job.attempts > 1) {
      await rm(buildPath, { force: true });
      await enqueue(helpers.addJob, "build_warehouse", { reason: "a build's tests were interrupted" });
      ctx.log(`  ${exists ? "tests of this build were interrupted" : "the build is gone"}; building again`);
      return { rebuilt: true, buildPath };
    }
    let warnings: number;
    try {
      ({ warnings } = await testWarehouse(buildPath, { log: ctx.log }));
    } catch (e) {
      if (!(e instanceof DataTestsFailed)) throw e;
      await rm(buildPath, { force: true });
      throw new PermanentFailure(e);
    }
    await enqueue(helpers.addJob, "publish_warehouse", { buildPath, build, warnings, startedAt, contentKey });
    return { warnings, buildPath };
  },
});
