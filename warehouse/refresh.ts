import { stat } from "node:fs/promises";
import { dataPaths } from "../lib/config.ts";
import { type BuildResult, buildWarehouse } from "./build.ts";
import { buildFingerprint, readSnapshotInfo } from "./build-info.ts";
import { discardBuild, publishWarehouse } from "./builds.ts";
import { testWarehouse } from "./data-tests.ts";
import { type Log, silent } from "./log.ts";
import { type BuildPlan, planBuild } from "./plan.ts";
import type { RawPartition } from "./raw.ts";
import { listDocuments } from "./store.ts";

export interface RefreshSummary {
  plan: BuildPlan;
  incremental: boolean;
  documents: number;
  observations: number;
  models: number;
  warnings: number;
  publishedPath: string;
  seconds: number;
}

/**
 * Plan the next build from the document store and the published snapshot (planBuild). With `force`
 * (who asks for a full build) neither is read.
 */
export async function planFromStore(opts: { force?: string } = {}): Promise<BuildPlan> {
  const fingerprint = await buildFingerprint();
  if (opts.force) return planBuild({ known: [], snapshot: null, fingerprint, force: opts.force });
  const { published } = dataPaths();
  const snapshot = (await stat(published).catch(() => null)) ? await readSnapshotInfo(published) : null;
  return planBuild({ known: await listDocuments(), snapshot, fingerprint });
}

/**
 * Build, test and publish every known document; a failure anywhere leaves the published snapshot as
 * it was. A full build, unless `incremental`: then the planner decides (only the documents the
 * snapshot lacks, when nothing else changed), and a failed incremental build is followed by a full one.
 */
export async function refresh(
  opts: { log?: Log; incremental?: boolean; partitions?: RawPartition[] } = {},
): Promise<RefreshSummary> {
  const log = opts.log ?? silent;
  const started = performance.now();
  let plan = await planFromStore(opts.incremental ? {} : { force: "refresh" });
  log(`Build plan: ${plan.why}`);
  let build: BuildResult | null = null;
  if (plan.kind === "incremental") {
    build = await buildWarehouse({ ...opts, plan }).catch((e: unknown) => {
      log(`The incremental build failed (${(e as Error).message.split("\n")[0]}): a full build instead`);
      return null;
    });
  }
  if (!build) {
    if (plan.kind !== "full") plan = { kind: "full", reason: "forced", why: `a full build (${plan.why})` };
    build = await buildWarehouse({ ...opts, plan });
  }
  try {
    const warnings = build.tested?.warnings ?? (await testWarehouse(build.buildPath, opts)).warnings;
    const publishedPath = await publishWarehouse(build.buildPath, opts);
    return {
      plan,
      incremental: build.kind === "incremental",
      documents: build.documents,
      observations: build.observations,
      models: build.models,
      warnings,
      publishedPath,
      seconds: (performance.now() - started) / 1000,
    };
  } catch (e) {
    await discardBuild(build.buildPath);
    throw e;
  }
}
