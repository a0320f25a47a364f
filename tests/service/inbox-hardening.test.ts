import {
  appendFileSync,
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readPublished } from "../../pipelines/published.ts";
import { documentIdOf } from "../../warehouse/store.ts";
import { npmRunAsync } from "../reliability/helpers.ts";
import {
  bundled,
  freshDataDir,
  JAWORZNO,
  KATOWICE,
  openRunLog,
  type ServiceProcess,
  startService,
  stopServices,
  until,
  variant,
} from "./helpers.ts";

/**
 * The inbox as an attacker or a slow copy meets it (issue 10, hardening): links planted in the inbox
 * are never followed, a file named `rejected` is said and waited out, a copy that pauses is taken
 * whole, a re-issue with fewer figures does not replace the current version, names are shown escaped
 * and keep their .error.txt however long, and what is kept is no more readable than it was.
 */

const NOTE = "Lista zakupów: mleko, chleb, 12 jaj.\n";
const KEDZIERZYN = bundled("kedzierzyn-kozle", "kedzierzyn-kozle_mops_asystenci-rodziny_2025.txt");

/** Start a service and tell whether it got ready or exited (then with its code). */
async function startOrRefuse(data: string) {
  const service = startService(data);
  const ready = await service.waitFor(/Ready in/).then(
    () => true,
    () => false,
  );
  const exit = ready ? null : await service.exited;
  return { service, ready, exit, output: () => service.lines.join("\n") };
}

describe("the service refuses to start on a tampered inbox", () => {
  afterAll(() => stopServices());

  it("refuses when inbox/rejected is a symbolic link, naming it and what to do, and moves nothing into its target", async () => {
    const data = freshDataDir("obs-inbox-link-");
    const elsewhere = freshDataDir("obs-inbox-elsewhere-");
    mkdirSync(join(data, "inbox"));
    symlinkSync(elsewhere, join(data, "inbox", "rejected"));
    writeFileSync(join(data, "inbox", "notatka.txt"), NOTE);
    const started = await startOrRefuse(data);
    if (started.ready) {
      // Today's code runs: give it the time to reject the note, to show where it went.
      await until(
        "the note to leave the inbox",
        () => !existsSync(join(data, "inbox", "notatka.txt")),
        30_000,
      )
        .catch(() => {})
        .finally(() => started.service.child.kill("SIGINT"));
    }
    expect(started.ready, `it started on a symlinked inbox/rejected; target: ${readdirSync(elsewhere)}`).toBe(
      false,
    );
    expect(started.exit?.code).toBe(1);
    expect(started.output()).toContain(`${join(data, "inbox", "rejected")} is a symbolic link`);
    expect(started.output()).toMatch(/Remove the link \(rm .*\).*start the service again/);
    expect(readdirSync(elsewhere)).toEqual([]);
    expect(existsSync(join(data, "inbox", "notatka.txt"))).toBe(true);
    expect(lstatSync(join(data, "inbox", "rejected")).isSymbolicLink()).toBe(true);
  });

  it("refuses when inbox/rejected is a regular file, naming it and what to do", async () => {
    const data = freshDataDir("obs-inbox-file-");
    mkdirSync(join(data, "inbox"));
    writeFileSync(join(data, "inbox", "rejected"), "not a folder\n");
    const started = await startOrRefuse(data);
    if (started.ready) started.service.child.kill("SIGINT");
    expect(started.ready, started.output()).toBe(false);
    expect(started.exit?.code).toBe(1);
    expect(started.output()).toContain(`${join(data, "inbox", "rejected")} is a regular file, not a folder`);
    expect(started.output()).toMatch(/Move it away \(mv .*\).*start the service again/);
    expect(readFileSync(join(data, "inbox", "rejected"), "utf8")).toBe("not a folder\n");
  });
});

describe("the inbox, hardened (a real service, the default settle time)", () => {
  const data = freshDataDir("obs-inbox-hardening-");
  const inbox = join(data, "inbox");
  const rejected = join(inbox, "rejected");
  const outside = freshDataDir("obs-inbox-outside-");
  let service: ServiceProcess;
  let log: Awaited<ReturnType<typeof openRunLog>>;

  const rowsOf = (fileName: string) =>
    log.db
      .selectFrom("obs.documents")
      .select(["document_id", "state", "error"])
      .where("file_name", "=", fileName)
      .execute();
  /** The current version of a report in the published warehouse (its centre and kind). */
  const currentOf = async (centre: string, kind: string) =>
    (await readPublished())?.documents.find((d) => d.centre_id === centre && d.kind === kind && d.is_current)
      ?.document_id;
  const said = (re: RegExp) => until(`a log line ${re}`, () => service.lines.find((l) => re.test(l)));

  beforeAll(async () => {
    // OBS_INBOX_SETTLE_MS empty: the default settle time, as a user runs the service.
    service = startService(data, { env: { OBS_INBOX_SETTLE_MS: "" } });
    await service.waitFor(/Ready in/);
    await service.waitFor(/Published \d+ figures from \d+ documents/);
    // Made at start by the service (older code made it at the first rejection).
    mkdirSync(rejected, { recursive: true });
    log = await openRunLog(data);
  });

  afterAll(async () => {
    await stopServices();
    await log?.close();
  });

  it("takes a copy that pauses for 3.5 s mid-write whole, never the half written before the pause", async () => {
    const whole = Buffer.from(variant(JAWORZNO, 3));
    const name = "jaworzno-2023-kopia-z-przerwa.txt";
    writeFileSync(join(inbox, name), whole.subarray(0, Math.floor(whole.length * 0.4)));
    await sleep(3500); // a slow share: nothing written, the file closed
    appendFileSync(join(inbox, name), whole.subarray(Math.floor(whole.length * 0.4)));
    const id = documentIdOf(whole);
    await until(
      "the whole copy to be published",
      async () => (await currentOf("jaworzno", "sprawozdanie-gpwr")) === id,
    );
    // the run log marks it loaded just after the publish (pipelines/published.ts): a busy machine shows the gap
    await until("the run log to mark it loaded", async () =>
      (await rowsOf(name)).some((r) => r.state === "loaded"),
    );
    expect((await rowsOf(name)).map((r) => [r.document_id, r.state])).toEqual([[id, "loaded"]]);
    expect(existsSync(join(inbox, name))).toBe(false);
    expect(readdirSync(rejected)).toEqual([]);
  });

  it("does not take a file still open for writing, even after a pause longer than the settle time", async () => {
    const whole = Buffer.from(variant(KATOWICE, 2));
    const name = "katowice-skaner.txt";
    const fd = openSync(join(inbox, name), "w");
    try {
      writeSync(fd, whole.subarray(0, Math.floor(whole.length / 2)));
      await sleep(6500); // the scanner thinks, its file open
      writeSync(fd, whole.subarray(Math.floor(whole.length / 2)));
    } finally {
      closeSync(fd);
    }
    const id = documentIdOf(whole);
    await until(
      "the whole scan to be published",
      async () => (await currentOf("katowice", "aktywizacja-uchodzcow")) === id,
    );
    // the run log marks it loaded just after the publish (pipelines/published.ts): a busy machine shows the gap
    await until("the run log to mark it loaded", async () =>
      (await rowsOf(name)).some((r) => r.state === "loaded"),
    );
    expect((await rowsOf(name)).map((r) => [r.document_id, r.state])).toEqual([[id, "loaded"]]);
    expect(readdirSync(rejected)).toEqual([]);
  });

  it("rejects a re-issue with fewer figures than the current version, saying why; --replace takes it", async () => {
    const before = await currentOf("jaworzno", "sprawozdanie-gpwr");
    const lines = readFileSync(JAWORZNO, "utf8").split("\n");
    const half = `${lines.slice(0, Math.floor(lines.length / 2)).join("\n")}\n`;
    const name = "jaworzno-2023-niepelny.txt";
    writeFileSync(join(inbox, name), half);
    const errorTxt = join(rejected, `${name}.error.txt`);
    await until("the rejection", () => existsSync(errorTxt));
    const why = readFileSync(errorTxt, "utf8");
    expect(why).toMatch(/ma mniej liczb \(\d+\) niż obecna wersja \(\d+\)/);
    expect(why).toMatch(/fewer figures \(\d+\) than the current version \(\d+\)/);
    expect(why).toContain(`npm run ingest -- --replace "${join(rejected, name)}"`);
    expect(readFileSync(join(rejected, name), "utf8")).toBe(half);
    const [row] = await until("the run log to say so", async () => {
      const rows = await rowsOf(name);
      return rows.length > 0 && rows;
    });
    expect(row?.state).toBe("rejected");
    expect(row?.error).toMatch(/fewer figures \(\d+\)/);
    expect(await currentOf("jaworzno", "sprawozdanie-gpwr")).toBe(before);

    const r = await npmRunAsync("ingest", ["--replace", join(rejected, name)], data);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /✓ stored jaworzno-2023-niepelny\.txt: jaworzno\/sprawozdanie-gpwr 2023 \(\d+ figures/,
    );
    expect(await currentOf("jaworzno", "sprawozdanie-gpwr")).toBe(documentIdOf(Buffer.from(half)));
  });

  it("never writes through a link planted at rejected/<name>.error.txt", async () => {
    const secret = join(outside, "secret.txt");
    writeFileSync(secret, "nie ruszać\n");
    symlinkSync(secret, join(rejected, "notatka.txt.error.txt"));
    writeFileSync(join(inbox, "notatka.txt"), NOTE);
    await until("the note to leave the inbox", () => !existsSync(join(inbox, "notatka.txt")));
    await until(
      "its reason, or the link's target written",
      () =>
        existsSync(join(rejected, "notatka-2.txt.error.txt")) ||
        readFileSync(secret, "utf8") !== "nie ruszać\n",
    );
    expect(readFileSync(secret, "utf8"), "the link's target").toBe("nie ruszać\n");
    expect(lstatSync(join(rejected, "notatka.txt.error.txt")).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(rejected, "notatka-2.txt"), "utf8")).toBe(NOTE);
    expect(readFileSync(join(rejected, "notatka-2.txt.error.txt"), "utf8")).toMatch(
      /Plik \/ file: notatka\.txt/,
    );
  });

  it("shows a name with a newline and an ESC sequence escaped, in the log and in its .error.txt", async () => {
    const name = "zły\nplik\x1b[31m.txt";
    writeFileSync(join(inbox, name), "Notatka bez liczb o pomocy społecznej.\n");
    await said(/✗ rejected zły\\nplik\\u001b\[31m\.txt: /);
    await until("the file to leave the inbox", () => !existsSync(join(inbox, name)));
    expect(service.lines.filter((l) => l.includes("\x1b"))).toEqual([]);
    expect(service.lines.filter((l) => l === "plik\x1b[31m.txt" || l.startsWith("plik"))).toEqual([]);
    const kept = readdirSync(rejected).find((f) => f.startsWith("zły") && !f.endsWith(".error.txt"));
    expect(kept).toBe("zły_plik_[31m.txt");
    const why = readFileSync(join(rejected, `${kept}.error.txt`), "utf8");
    expect(why).toContain("Plik / file: zły\\nplik\\u001b[31m.txt\n");
    expect(why).not.toContain("\x1b");
    expect((await rowsOf("zły\\nplik\\u001b[31m.txt"))[0]?.state).toBe("rejected");
  });

  it("keeps the .error.txt of a file with a long name (248 characters; 254 bytes of Polish letters)", async () => {
    const names = [`${"a".repeat(244)}.txt`, `${"ż".repeat(125)}.txt`];
    for (const [i, name] of names.entries()) writeFileSync(join(inbox, name), `Notatka ${i} bez liczb.\n`);
    await until("both to leave the inbox", () => names.every((n) => !existsSync(join(inbox, n))));
    for (const [i, name] of names.entries()) {
      const why = await until(`the .error.txt of ${name.slice(0, 10)}…`, () =>
        readdirSync(rejected)
          .filter((f) => f.endsWith(".error.txt"))
          .map((f) => readFileSync(join(rejected, f), "utf8"))
          .find((t) => t.includes(`Plik / file: ${name}\n`)),
      );
      const kept = why.split("\n")[0] as string;
      expect(Buffer.byteLength(`${kept}.error.txt`)).toBeLessThanOrEqual(255);
      expect(kept.endsWith(".txt")).toBe(true);
      expect(kept.startsWith(name.slice(0, 50))).toBe(true);
      expect(readFileSync(join(rejected, kept), "utf8")).toBe(`Notatka ${i} bez liczb.\n`);
      expect(why).toMatch(/Powód \/ reason: /);
    }
  });

  it("stores and rejects a file readable by its owner only as readable by its owner only", async () => {
    const report = Buffer.from(variant(KEDZIERZYN, 2));
    writeFileSync(join(inbox, "asystenci-prywatny.txt"), report, { mode: 0o600 });
    writeFileSync(join(inbox, "notatka-prywatna.txt"), "Prywatna notatka bez liczb.\n", { mode: 0o600 });
    const id = documentIdOf(report);
    await until("the report to be stored", () => existsSync(join(data, "documents", `${id}.json`)));
    const mode = (p: string) => statSync(p).mode & 0o777;
    expect(mode(join(data, "documents", `${id}.txt`))).toBe(0o600);
    expect(mode(join(data, "documents", `${id}.json`))).toBe(0o600);
    await until("the note to be rejected", () =>
      existsSync(join(rejected, "notatka-prywatna.txt.error.txt")),
    );
    expect(mode(join(rejected, "notatka-prywatna.txt"))).toBe(0o600);
    expect(mode(join(rejected, "notatka-prywatna.txt.error.txt"))).toBe(0o600);
  });

  it("says so when inbox/rejected becomes a regular file, leaves the inbox alone, and goes on once it is moved away", async () => {
    // Made aside (a dot name: not an inbox file), then swapped in at once.
    writeFileSync(join(inbox, ".rejected-file"), "");
    renameSync(rejected, `${rejected}.keep-1`);
    renameSync(join(inbox, ".rejected-file"), rejected);
    try {
      writeFileSync(join(inbox, "zakupy.txt"), NOTE.replace("mleko", "masło"));
      await said(/Inbox not looked at: .*inbox\/rejected is a regular file, not a folder/);
      expect(existsSync(join(inbox, "zakupy.txt"))).toBe(true);
      expect(readFileSync(rejected, "utf8")).toBe("");
    } finally {
      rmSync(rejected, { force: true });
      renameSync(`${rejected}.keep-1`, rejected);
    }
    await until("the note to be rejected", () => existsSync(join(rejected, "zakupy.txt.error.txt")));
    expect(existsSync(join(inbox, "zakupy.txt"))).toBe(false);
  });

  it("never follows inbox/rejected swapped for a symbolic link while running; goes on once it is a folder again", async () => {
    const elsewhere = join(outside, "elsewhere");
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, join(inbox, ".rejected-link"));
    renameSync(rejected, `${rejected}.keep-2`);
    renameSync(join(inbox, ".rejected-link"), rejected);
    try {
      writeFileSync(join(inbox, "lista.txt"), NOTE.replace("chleb", "bułki"));
      const re = /Inbox not looked at: .*inbox\/rejected is a symbolic link/;
      await until(
        "the inbox to say so, or the list to be taken",
        () => service.lines.some((l) => re.test(l)) || !existsSync(join(inbox, "lista.txt")),
      );
      expect(readdirSync(elsewhere), "the link's target").toEqual([]);
      expect(existsSync(join(inbox, "lista.txt"))).toBe(true);
      expect(
        service.lines.some((l) => re.test(l)),
        "the inbox says why it waits",
      ).toBe(true);
    } finally {
      rmSync(rejected, { force: true });
      renameSync(`${rejected}.keep-2`, rejected);
    }
    await until("the list to be rejected", () => existsSync(join(rejected, "lista.txt.error.txt")));
    expect(readdirSync(elsewhere)).toEqual([]);
  });
});
