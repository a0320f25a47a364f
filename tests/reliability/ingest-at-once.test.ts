import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freshDataDir } from "../helpers/cli.ts";
import { disposeDataDirs, npmRunAsync } from "./helpers.ts";

/**
 * `npm run ingest` answers what it can without the service (issue 15, item 5): a missing, empty or
 * unrecognisable file is rejected before Postgres and the queue start. Checked by what is left
 * behind, not by a clock: the embedded Postgres would have made its data directory.
 */
describe("npm run ingest, answering at once", () => {
  const data = freshDataDir("obs-ingest-at-once-");
  const user = freshDataDir("obs-ingest-at-once-user-");
  afterAll(() => disposeDataDirs([data, user]));

  it("rejects a missing, an empty and an unknown file without starting Postgres or the queue", async () => {
    writeFileSync(join(user, "pusty.txt"), "");
    writeFileSync(join(user, "notatka.txt"), "Notatka służbowa bez ośrodka i bez liczb.\n");
    const r = await npmRunAsync(
      "ingest",
      [join(user, "nie-ma.txt"), join(user, "pusty.txt"), join(user, "notatka.txt")],
      data,
    );
    expect(r.status, r.stderr).toBe(1);
    const lines = r.stderr.split("\n").filter((l) => l.startsWith("✗ rejected "));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/nie-ma\.txt: Nie ma takiego pliku.* — no such file$/);
    expect(lines[1]).toMatch(/^✗ rejected pusty\.txt: .*empty/);
    expect(lines[2]).toMatch(/^✗ rejected notatka\.txt: /);
    // The two files that exist are kept with their reasons; nothing else was made.
    expect(readdirSync(data).sort()).toEqual(["quarantine"]);
    expect(existsSync(join(data, "postgres")), "no embedded Postgres was set up").toBe(false);
  });
});
