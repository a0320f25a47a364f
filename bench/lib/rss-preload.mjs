// Preloaded (node --import) into processes the benchmark does not own (the SQL CLI) and into their
// baselines alike: on exit, write the process's resource usage (maxRSS) where BENCH_RSS_FILE says.
import { writeFileSync } from "node:fs";

const file = process.env.BENCH_RSS_FILE;
if (file) {
  process.on("exit", () => {
    try {
      writeFileSync(file, JSON.stringify(process.resourceUsage()));
    } catch {
      // the measurement is best effort; never fail the measured process
    }
  });
}
