/**
 * Fault injection for crash tests: with OBS_FAULT=<step>, the process kills itself (SIGKILL, no
 * clean-up) when it reaches that step. Tests loop over FAULT_STEPS to prove that a crash anywhere
 * followed by a restart ends in the same published state as an uninterrupted run.
 */
export const FAULT_STEPS = [
  "store:after-bytes", // document bytes written, metadata not yet
  "extract:before-cache", // figures read, cache not yet written
  "build:after-load", // raw figures appended into a new build
  "build:mid-models", // half of the models built
  "test:mid-tests", // data tests running
  "publish:before-rename", // tested build ready, snapshot not yet replaced
  "publish:after-rename", // snapshot replaced, process not yet done
] as const;
/** Steps only the service reaches (not in FAULT_STEPS: the one-shot commands never build dashboards). */
export const SERVICE_FAULT_STEPS = [
  "dashboards:mid-build", // `observable build` running, the new site not yet swapped in
] as const;
export type FaultStep = (typeof FAULT_STEPS)[number] | (typeof SERVICE_FAULT_STEPS)[number];

export function faultPoint(step: FaultStep): void {
  if (process.env.OBS_FAULT === step) {
    process.stderr.write(`fault injection: killing the process at ${step}\n`);
    process.kill(process.pid, "SIGKILL");
  }
}

/**
 * A corrupting fault, for the test of build-time rejection: OBS_FAULT=extract:repeat-figure:<file name>
 * makes the extraction of that one file read its first `nk_a_forms` figure a second time, one
 * line further down — as an extractor bug could. The document passes acceptance (each figure has its
 * own observation_id) but two current values of one figure break the grain of marts.niebieska_karta, an
 * error-severity test; no real report of today's extractors does this.
 */
export function repeatFigureFault<T extends { metric_id: string; line: number }>(
  fileName: string,
  observations: T[],
): T[] {
  if (process.env.OBS_FAULT !== `extract:repeat-figure:${fileName}`) return observations;
  const first = observations.find((o) => o.metric_id === "nk_a_forms");
  return first ? [...observations, { ...first, line: first.line + 1 }] : observations;
}
