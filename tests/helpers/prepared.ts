/**
 * vitest's globalSetup: one folder per test run where prepared data directories are kept, so that a
 * preparation many files need (a data dir with everything bundled published: `npm run refresh`; the
 * dashboards built over it: `npm run build`) runs once per run, and each file works on its own copy
 * (tests/helpers/prepared-dirs.ts refreshedDataDir, builtSiteDataDir).
 */
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    preparedDir: string;
  }
}

export default function setup(project: TestProject) {
  const dir = mkdtempSync("/var/tmp/obs-prepared-");
  chmodSync(dir, 0o755);
  project.provide("preparedDir", dir);
  return () => {
    if (!process.env.OBS_KEEP_TEST_DATA) rmSync(dir, { recursive: true, force: true });
  };
}
