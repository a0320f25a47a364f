import { rm } from "node:fs/promises";
import { buildWarehouse, type Log, publishWarehouse, testWarehouse } from "./build.ts";
import { incrementalRefresh } from "./incremental.ts";

export interface RefreshSummary {
  documents: number;
  observations: number;
  models: number;
  warnings: number;
  publishedPath: string;
  seconds: number;
}

/** Load every known document, build, test, publish. A failure anywhere leaves the published snapshot as it was. */
export async function refresh(
  opts: { log?: Log; incremental?: boolean; documentIds?: string[] } = {},
): Promise<RefreshSummary> {
  const started = performance.now();
  // Opt-in: only what arrived since the published snapshot (warehouse/incremental.ts); null → full build.
  const inc = opts.incremental ? await incrementalRefresh(opts) : null;
  if (inc) return { ...inc, seconds: (performance.now() - started) / 1000 };
  const build = await buildWarehouse(opts);
  try {
    const tests = await testWarehouse(build.buildPath, opts);
    const publishedPath = await publishWarehouse(build.buildPath, opts);
    return {
      documents: build.documents,
      observations: build.observations,
      models: build.models,
      warnings: tests.warnings,
      publishedPath,
      seconds: (performance.now() - started) / 1000,
    };
  } catch (e) {
    await rm(build.buildPath, { force: true });
    throw e;
  }
}
