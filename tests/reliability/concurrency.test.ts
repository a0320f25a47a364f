/**
 * Commands at once on one data dir (one Postgres, one queue): every `npm run ingest` is also a
 * worker and may run the others' jobs, yet each reports its own files and exits with its own code.
 *
 * - the same report ingested ten times at once (some under the same name, some under others) ends
 *   as one document and one version;
 * - the same again, with the report also dropped into the inbox of a running service;
 * - different reports at once, some bad: each process names its own file, only the bad ones fail.
 *
 * No assertion on how long anything took; waits are bounded only against a hang.
 */
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDataDir } from "../helpers/cli.ts";
import {
  JAWORZNO,
  KATOWICE,
  openRunLog,
  startService,
  stopServices,
  until,
  variant,
} from "../service/helpers.ts";
import {
  type AsyncRunResult,
  copyDataDir,
  disposeDataDirs,
  documentIdOfFile,
  filesUnder,
  kedzierzynReport,
  NEXT_YEAR_REPORT,
  npmRunAsync,
  publishedRows,
  refreshedDataDir,
} from "./helpers.ts";

/** The lines a command printed about documents: each must be about one of its own files. */
const outcomeLines = (r: AsyncRunResult) =>
  r.stderr.split("\n").filter((l) => /^(✓ stored|= already known|✗ rejected) /.test(l));

/** Ten copies of one report: seven names of their own, three times one name (from three folders). */
function tenCopies(dir: string, report: string): string[] {
  const files: string[] = [];
  for (let i = 0; i < 7; i++) files.push(join(dir, `raport-${i}.txt`));
  for (let i = 0; i < 3; i++) {
    mkdirSync(join(dir, `kopia-${i}`));
    files.push(join(dir, `kopia-${i}`, "raport.txt"));
  }
  for (const f of files) copyFileSync(report, f);
  return files;
}

/** Each of the ten ended well, saying what became of its own file and of the warehouse. */
function expectEachEndedWell(runs: AsyncRunResult[], files: string[], id: string) {
  runs.forEach((r, i) => {
    const name = (files[i] as string).split("/").pop() as string;
    expect(r.status, r.stderr).toBe(0);
    const lines = outcomeLines(r);
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0], r.stderr).toMatch(new RegExp(`^(✓ stored|= already known) ${name}: .*id ${id}\\)$`));
    expect(r.stderr, r.stderr).toMatch(/Published \d+ figures from \d+ documents|Nothing new to load/);
    expect(r.stderr).not.toMatch(/^error:/m);
  });
}

/** One document, one version, its figures once; nothing left in the store or the builds. */
async function expectOneVersion(data: string, id: string) {
  const docs = await publishedRows(
    data,
    "select document_id, version, is_current from marts.dim_document where centre_id = 'kedzierzyn-kozle' and list_contains(periods, '2026')",
  );
  expect(docs).toEqual([{ document_id: id, version: 1, is_current: true }]);
  const dup = await publishedRows(
    data,
    `select period_id, metric_id, breakdown, count(*) as n from marts.fct_observation
     where document_id = '${id}' group by all having count(*) > 1`,
  );
  expect(dup).toEqual([]);
  const [figures] = await publishedRows(
    data,
    `select count(*)::int as n from marts.fct_observation where document_id = '${id}'`,
  );
  expect(figures?.n).toBeGreaterThan(0);
  const history = await publishedRows(
    data,
    `select count(distinct document_id)::int as n from marts.observation_history
     where centre_id = 'kedzierzyn-kozle' and period_id = '2026'`,
  );
  expect(history).toEqual([{ n: 1 }]);
  expect(filesUnder(join(data, "documents")).filter((f) => f.endsWith(".json"))).toEqual([`${id}.json`]);
}

describe("ten processes ingest the same report at once", () => {
  const dirs: string[] = [];
  let template: string;
  let data: string;
  let files: string[];
  let runs: AsyncRunResult[];
  const id = documentIdOfFile(NEXT_YEAR_REPORT);

  beforeAll(async () => {
    template = refreshedDataDir("obs-concurrency-");
    dirs.push(template);
    data = copyDataDir(template, "obs-concurrency-run-");
    dirs.push(data);
    // As ten people would save the same e-mail attachment, some under the same name.
    const userDir = freshDataDir("obs-concurrency-user-");
    dirs.push(userDir);
    files = tenCopies(userDir, NEXT_YEAR_REPORT);
    runs = await Promise.all(files.map((f) => npmRunAsync("ingest", [f], data)));
  });

  afterAll(() => disposeDataDirs(dirs));

  it("every process ends well and speaks of its own file only", () => {
    expectEachEndedWell(runs, files, id);
    const stored = runs.filter((r) => /^✓ stored /m.test(r.stderr)).length;
    expect(stored).toBeGreaterThanOrEqual(1);
  });

  it("ends as one document and one version, its figures once", async () => {
    await expectOneVersion(data, id);
    expect(filesUnder(join(data, "warehouse")).filter((f) => f.startsWith("builds/"))).toEqual([]);
  });

  describe("different reports at once, some of them bad", () => {
    let mixed: string;
    let given: { file: string; name: string; good: boolean }[];
    let results: AsyncRunResult[];

    beforeAll(async () => {
      mixed = copyDataDir(template, "obs-concurrency-mixed-");
      dirs.push(mixed);
      const userDir = freshDataDir("obs-concurrency-mixed-user-");
      dirs.push(userDir);
      const write = (name: string, text: string) => {
        writeFileSync(join(userDir, name), text);
        return join(userDir, name);
      };
      given = [
        {
          file: kedzierzynReport(userDir, "korekta-2026.txt", { families: 83 }),
          name: "korekta-2026.txt",
          good: true,
        },
        { file: write("jaworzno-v2.txt", variant(JAWORZNO, 2)), name: "jaworzno-v2.txt", good: true },
        {
          file: write("notatka.txt", "Notatka służbowa bez żadnych liczb.\n"),
          name: "notatka.txt",
          good: false,
        },
        { file: write("katowice-v2.txt", variant(KATOWICE, 2)), name: "katowice-v2.txt", good: true },
        { file: write("pusty.txt", ""), name: "pusty.txt", good: false },
      ];
      results = await Promise.all(given.map((g) => npmRunAsync("ingest", [g.file], mixed)));
    });

    it("tells each process about its own file, and fails only those with a bad one", () => {
      given.forEach((g, i) => {
        const r = results[i] as AsyncRunResult;
        const lines = outcomeLines(r);
        expect(lines, `${g.name}\n${r.stderr}`).toHaveLength(1);
        if (g.good) {
          expect(r.status, r.stderr).toBe(0);
          expect(lines[0], r.stderr).toMatch(new RegExp(`^✓ stored ${g.name}: `));
          expect(r.stderr, r.stderr).toMatch(/Published \d+ figures/);
        } else {
          expect(r.status, r.stderr).toBe(1);
          expect(lines[0], r.stderr).toMatch(new RegExp(`^✗ rejected ${g.name}: \\S`));
          expect(r.stderr, r.stderr).toMatch(new RegExp(`kept in quarantine/${g.name.replace(".", "\\.")}`));
        }
      });
    });

    it("keeps the bad files in quarantine and publishes every good one", async () => {
      expect(filesUnder(join(mixed, "quarantine"))).toEqual(
        expect.arrayContaining(["notatka.txt", "notatka.txt.error.txt", "pusty.txt.error.txt"]),
      );
      const published = new Set(
        (await publishedRows(mixed, "select document_id from marts.dim_document")).map((d) => d.document_id),
      );
      for (const g of given.filter((k) => k.good))
        expect(published.has(documentIdOfFile(g.file)), g.name).toBe(true);
      for (const g of given.filter((k) => !k.good && k.name !== "pusty.txt"))
        expect(published.has(documentIdOfFile(g.file)), g.name).toBe(false);
    });
  });
});

describe("the same report from ten commands and the inbox of a running service at once", () => {
  const dirs: string[] = [];
  let data: string;
  let files: string[];
  let runs: AsyncRunResult[];
  let log: Awaited<ReturnType<typeof openRunLog>> | undefined;
  const id = documentIdOfFile(NEXT_YEAR_REPORT);

  beforeAll(async () => {
    const template = refreshedDataDir("obs-concurrency-inbox-");
    dirs.push(template);
    data = copyDataDir(template, "obs-concurrency-inbox-run-");
    dirs.push(data);
    const userDir = freshDataDir("obs-concurrency-inbox-user-");
    dirs.push(userDir);
    files = tenCopies(userDir, NEXT_YEAR_REPORT);
    const service = startService(data);
    await service.waitFor(/Ready in/);
    await service.waitFor(/Catch-up: /);
    copyFileSync(NEXT_YEAR_REPORT, join(data, "inbox", "raport-z-poczty.txt"));
    runs = await Promise.all(files.map((f) => npmRunAsync("ingest", [f], data)));
    log = await openRunLog(data);
    const db = log.db;
    // The inbox copy may still be on its way through the service: wait until nothing is left to do.
    await until(
      "the inbox to be empty and the queue done",
      async () => {
        const pending = await sql<{ n: number }>`
          select count(*)::int as n from graphile_worker.jobs
          where task_identifier in ('discover_documents', 'accept_document', 'extract_document',
            'build_warehouse', 'run_data_tests', 'publish_warehouse') and attempts < max_attempts`.execute(
          db,
        );
        return !existsSync(join(data, "inbox", "raport-z-poczty.txt")) && pending.rows[0]?.n === 0;
      },
      180_000,
    );
  });

  afterAll(async () => {
    await stopServices();
    await log?.close();
    await disposeDataDirs(dirs);
  });

  it("every command ends well and speaks of its own file only", () => {
    expectEachEndedWell(runs, files, id);
  });

  it("ends as one document and one version, its figures once", async () => {
    await expectOneVersion(data, id);
    const row = await log?.db
      .selectFrom("obs.documents")
      .select(["state"])
      .where("document_id", "=", id)
      .executeTakeFirst();
    expect(row?.state).toBe("loaded");
    await until("no build file left", () => filesUnder(join(data, "warehouse", "builds")).length === 0);
  });
});
