/**
 * Every measured step runs as a child process of its own, so its wall time includes its start-up and
 * its peak memory (maxRSS) is its own. A child prints its figures as one JSON line prefixed
 * RESULT_PREFIX as its last line of stdout.
 */
export const RESULT_PREFIX = "BENCH_RESULT ";

export class Phases {
  private readonly started = performance.now();
  private last = this.started;
  readonly phases: Record<string, number> = {};

  /** Close the current phase under a name (seconds since the previous mark). */
  mark(name: string) {
    const now = performance.now();
    this.phases[name] = (this.phases[name] ?? 0) + (now - this.last) / 1000;
    this.last = now;
  }

  /** Close the current phase as the given parts (a step that timed its own phases); the rest as `other`. */
  markParts(parts: Record<string, number>, other: string) {
    const now = performance.now();
    let rest = (now - this.last) / 1000;
    for (const [name, seconds] of Object.entries(parts)) {
      this.phases[name] = (this.phases[name] ?? 0) + seconds;
      rest -= seconds;
    }
    this.phases[other] = (this.phases[other] ?? 0) + Math.max(0, rest);
    this.last = now;
  }

  get total() {
    return (performance.now() - this.started) / 1000;
  }
}

export function reportResult(result: Record<string, unknown>) {
  const usage = process.resourceUsage();
  process.stdout.write(
    `${RESULT_PREFIX}${JSON.stringify({ ...result, max_rss_mb: Math.round(usage.maxRSS / 1024) })}\n`,
  );
}

/** Progress to stderr (stdout is for the result line). */
export const progress = (line: string) => process.stderr.write(`${line}\n`);
