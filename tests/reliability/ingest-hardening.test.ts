import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { rejectedName } from "../../pipelines/inbox.ts";
import { printable } from "../../warehouse/quarantine.ts";
import { documentIdOf } from "../../warehouse/store.ts";
import { freshDataDir } from "../helpers/cli.ts";
import { disposeDataDirs, npmRunAsync, ROOT } from "./helpers.ts";

/**
 * `npm run ingest` hardened (issue 10): what it keeps of a file readable by its owner only stays so
 * (quarantine and store), and a re-issue with fewer figures than the current version is rejected
 * with the reason unless --replace says to take it. The check is the store's, so the inbox and the
 * collectors go through it too (tests/service/inbox-hardening.test.ts).
 */
const JAWORZNO = join(ROOT, "sources/jaworzno/documents/jaworzno_mops_sprawozdanie-gpwr_2023.txt");
const mode = (p: string) => statSync(p).mode & 0o777;

describe("npm run ingest, hardened", () => {
  const data = freshDataDir("obs-ingest-hardening-");
  const user = freshDataDir("obs-ingest-hardening-user-");
  afterAll(() => disposeDataDirs([data, user]));

  it("keeps a rejected file readable by its owner only as readable by its owner only in the quarantine", async () => {
    const file = join(user, "notatka-prywatna.txt");
    writeFileSync(file, "Prywatna notatka bez liczb.\n", { mode: 0o600 });
    const r = await npmRunAsync("ingest", ["--no-refresh", file], data);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/kept in quarantine\/notatka-prywatna\.txt$/m);
    const q = join(data, "quarantine");
    expect(readFileSync(join(q, "notatka-prywatna.txt"), "utf8")).toBe("Prywatna notatka bez liczb.\n");
    expect(mode(join(q, "notatka-prywatna.txt"))).toBe(0o600);
    expect(mode(join(q, "notatka-prywatna.txt.error.txt"))).toBe(0o600);
  });

  it("rejects a re-issue with fewer figures than the current version; --replace stores it, owner-only", async () => {
    const lines = readFileSync(JAWORZNO, "utf8").split("\n");
    const half = `${lines.slice(0, Math.floor(lines.length / 2)).join("\n")}\n`;
    const file = join(user, "jaworzno-2023-niepelny.txt");
    writeFileSync(file, half, { mode: 0o600 });

    const refused = await npmRunAsync("ingest", ["--no-refresh", file], data);
    expect(refused.status, refused.stderr).toBe(1);
    expect(refused.stderr).toMatch(
      /^✗ rejected jaworzno-2023-niepelny\.txt: Sprawozdanie ma mniej liczb \(\d+\) niż obecna wersja \(\d+\) .*fewer figures \(\d+\) than the current version \(\d+\).*--replace/m,
    );
    const why = readFileSync(join(data, "quarantine", "jaworzno-2023-niepelny.txt.error.txt"), "utf8");
    expect(why).toMatch(/^reason: Sprawozdanie ma mniej liczb \(\d+\)/m);
    const id = documentIdOf(Buffer.from(half));
    expect(existsSync(join(data, "documents", `${id}.json`)), "not stored").toBe(false);

    const taken = await npmRunAsync("ingest", ["--no-refresh", "--replace", file], data);
    expect(taken.status, taken.stderr).toBe(0);
    expect(taken.stderr).toMatch(/^✓ stored jaworzno-2023-niepelny\.txt: .*\(\d+ figures, id /m);
    expect(mode(join(data, "documents", `${id}.txt`))).toBe(0o600);
    expect(mode(join(data, "documents", `${id}.json`))).toBe(0o600);
  });

  it("takes a re-issue with as many figures or more without asking", async () => {
    const file = join(user, "jaworzno-2023-v2.txt");
    writeFileSync(file, `${readFileSync(JAWORZNO, "utf8")}\n\n`);
    const r = await npmRunAsync("ingest", ["--no-refresh", file], data);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^✓ stored jaworzno-2023-v2\.txt: .*\(\d+ figures/m);
  });
});

describe("names as people see them", () => {
  it("escapes control and invisible format characters JSON-style, and only them", () => {
    expect(printable("zły\nplik\x1b[31m.txt")).toBe("zły\\nplik\\u001b[31m.txt");
    expect(printable("a\x9bb\u202ec\x7f")).toBe("a\\u009bb\\u202ec\\u007f");
    expect(printable("raport – Łódź (kopia).txt")).toBe("raport – Łódź (kopia).txt");
    expect(printable(printable("x\ty"))).toBe("x\\ty");
  });

  it("keeps a rejected name within 255 bytes with its -n and .error.txt, UTF-8 aware, extension kept", () => {
    for (const name of [`${"a".repeat(244)}.txt`, `${"ż".repeat(125)}.txt`, `${"😀".repeat(70)}.pdf`]) {
      const kept = rejectedName(name);
      expect(Buffer.byteLength(`${kept}-99999.error.txt`)).toBeLessThanOrEqual(255);
      expect(kept.endsWith(name.slice(-4))).toBe(true);
      expect(name.startsWith(kept.slice(0, -4))).toBe(true);
      expect(kept).not.toContain("\uFFFD");
    }
    expect(rejectedName("notatki.txt")).toBe("notatki.txt");
    expect(rejectedName("zły\nplik\x1b[31m.txt")).toBe("zły_plik_[31m.txt");
  });
});
