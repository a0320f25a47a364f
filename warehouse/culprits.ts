/**
 * Which new documents make a build's error tests fail, when the failing rows name none: builds
 * without them, one by one (the service's run_data_tests rejects what this finds).
 */
import { buildWarehouse } from "./build.ts";
import { discardBuild } from "./builds.ts";
import { testWarehouse } from "./data-tests.ts";
import { DataTestsFailed, type TestOutcome } from "./errors.ts";
import { type Log, silent } from "./log.ts";
import type { RawPartition } from "./raw.ts";

/** At most this many new documents are probed one by one when a failure names no document. */
export const MAX_PROBED_DOCUMENTS = 4;

/**
 * Which of the `candidates` (documents not yet published) make the failed tests fail, when their
 * failing rows name no document: a build without every candidate must pass them (else the failure is
 * not theirs: null), then each candidate is built alone with the others left out; a candidate whose
 * build fails a test is a culprit, with the tests it fails. Null when it cannot be told (too many
 * candidates, or no candidate fails alone). Probe builds are removed.
 */
export async function culpritsByElimination(
  failed: TestOutcome[],
  candidates: string[],
  opts: { log?: Log; partitions?: RawPartition[] } = {},
): Promise<Map<string, string[]> | null> {
  const log = opts.log ?? silent;
  if (candidates.length === 0 || candidates.length > MAX_PROBED_DOCUMENTS) return null;
  const probe = async (exclude: string[]) => {
    const build = await buildWarehouse({ partitions: opts.partitions, exclude: new Set(exclude) });
    try {
      // The whole test run, warnings recorded as in a real one (a grain test of marts.data_quality sees them).
      await testWarehouse(build.buildPath);
      return [];
    } catch (e) {
      if (!(e instanceof DataTestsFailed)) throw e;
      const wanted = new Set(failed.map((t) => `${t.model}.${t.name}`));
      return e.failed.map((t) => `${t.model}.${t.name}`).filter((k) => wanted.has(k));
    } finally {
      await discardBuild(build.buildPath);
    }
  };
  log(`  probing which of ${candidates.length} new document(s) makes the tests fail…`);
  if ((await probe(candidates)).length > 0) return null;
  const culprits = new Map<string, string[]>();
  for (const id of candidates) {
    const fails = await probe(candidates.filter((c) => c !== id));
    if (fails.length > 0) culprits.set(id, fails);
  }
  return culprits.size > 0 ? culprits : null;
}
