import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { DocumentRejected } from "./extractor.ts";
import { guardedRead } from "./read-guard.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const GUARD = fileURLToPath(new URL("./read-guard.ts", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "obs-read-guard-"));
const KEY = "0123456789abcdef0123456789abcdef";
const guard = (key = KEY) => ({ dir, key, fileName: "bomba.pdf" });

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A process that starts reading under the guard and dies while reading (as the OOM killer does it). */
function crashWhileReading(key: string) {
  const script = `
    import { guardedRead } from ${JSON.stringify(GUARD)};
    await guardedRead({ dir: ${JSON.stringify(dir)}, key: ${JSON.stringify(key)}, fileName: "bomba.pdf" }, async () => {
      process.kill(process.pid, "SIGKILL");
      await new Promise(() => {});
    });`;
  const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    cwd: ROOT,
    encoding: "utf8",
  });
  expect(r.signal, r.stderr).toBe("SIGKILL");
}

describe("a file whose reading killed the process is not read again", () => {
  it("reads under a mark and leaves none behind, whether the file is taken or rejected", async () => {
    expect(await guardedRead(guard(), async () => 42)).toBe(42);
    await expect(
      guardedRead(guard(), async () => {
        throw new DocumentRejected("bomba.pdf", "the PDF is damaged");
      }),
    ).rejects.toThrow("the PDF is damaged");
    expect(readdirSync(dir)).toEqual([]);
  });

  it("refuses, without reading it, a file an earlier process died reading; then the mark is gone", async () => {
    const key = "fedcba9876543210fedcba9876543210";
    crashWhileReading(key);
    expect(readdirSync(dir).filter((n) => n.startsWith(key))).toHaveLength(1);
    let read = false;
    const refused = guardedRead(guard(key), async () => {
      read = true;
    });
    await expect(refused).rejects.toBeInstanceOf(DocumentRejected);
    await expect(refused).rejects.toThrow(
      /^bomba\.pdf: Czytanie tego pliku przerwało już wcześniej proces.* — reading it stopped the process that read it before at \d{4}-.*; it is not read again$/,
    );
    expect(read).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("does not take another reader still at work for a crash", async () => {
    let finish = () => {};
    const first = guardedRead(
      guard(),
      () => new Promise<string>((resolve) => (finish = () => resolve("first"))),
    );
    await new Promise((r) => setTimeout(r, 50));
    expect(readdirSync(dir)).toHaveLength(1);
    expect(await guardedRead(guard(), async () => "second")).toBe("second");
    finish();
    expect(await first).toBe("first");
    expect(readdirSync(dir)).toEqual([]);
  });
});
