import { rm } from "node:fs/promises";
import { buildWarehouse, type Log, publishWarehouse, testWarehouse } from "./build.ts";

export interface RefreshSummary {
  documents: number;
  observations: number;
  models: number;
  warnings: number;
  publishedPath: string;
  seconds: number;
}

/** Load every known document, build, test, publish. A failure anywhere leaves the published snapshot as it was. */
export async function refresh(opts: { log?: Log } = {}): Promise<RefreshSummary> {
  const started = performance.now();
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
