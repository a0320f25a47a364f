import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { disposeDataDirs, npmRunAsync } from "../reliability/helpers.ts";
import { freshDataDir, JAWORZNO, variant } from "./helpers.ts";

/**
 * `npm run collect` (issue 15, item 5): a collection round run now, saying per source what was new,
 * unchanged and failed, and why; a wrong source id is answered before Postgres starts.
 */
describe("npm run collect", () => {
  const data = freshDataDir("obs-collect-command-");
  afterAll(() => disposeDataDirs([data]));
  const sources = join(data, "report-sources.json");
  mkdirSync(join(data, "share"));
  writeFileSync(join(data, "share", "jaworzno-2023.txt"), variant(JAWORZNO, 3));
  writeFileSync(
    sources,
    JSON.stringify({
      sources: [
        { id: "jaworzno-share", centre_id: "jaworzno", type: "folder", location: "share", rounds: ["year"] },
        { id: "gone-share", centre_id: "katowice", type: "folder", location: "nie-ma", rounds: ["year"] },
        {
          id: "half-year-only",
          centre_id: "katowice",
          type: "folder",
          location: "nie-ma",
          rounds: ["half_year"],
        },
      ],
    }),
  );
  const env = { OBS_REPORT_SOURCES: sources };

  it("names an unknown source at once, without starting Postgres", async () => {
    const r = await npmRunAsync("collect", ["--source", "nie-ma-takiego"], data, { env });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/no report source nie-ma-takiego .*jaworzno-share, gone-share/);
    expect(existsSync(join(data, "postgres")), "no embedded Postgres was set up").toBe(false);
  });

  it("collects a round: new, unchanged and failed per source, the new report published", async () => {
    const first = await npmRunAsync("collect", ["--round", "year"], data, { env });
    expect(first.status, first.stderr).toBe(1);
    expect(first.stderr).toMatch(/^✓ jaworzno-share: 1 new, 0 unchanged, 0 failed$/m);
    expect(first.stderr).toMatch(/^✗ gone-share: failed: .*cannot read the folder .*nie-ma/m);
    expect(first.stderr, "a source of the other round is not visited").not.toMatch(/half-year-only/);
    expect(first.stderr).toMatch(/^✓ stored jaworzno-2023\.txt: jaworzno\/sprawozdanie-gpwr 2023/m);
    expect(first.stderr).toMatch(/^Published \d+ figures from 6 documents/m);

    const again = await npmRunAsync("collect", ["--source", "jaworzno-share"], data, { env });
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/^✓ jaworzno-share: 0 new, 1 unchanged, 0 failed$/m);
    expect(again.stderr).not.toMatch(/Published/);
  });
});
