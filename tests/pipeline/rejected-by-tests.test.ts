/**
 * A document that is accepted (recognised, zod-valid, one figure per observation_id) but whose figures
 * make an error-severity data test fail is rejected at the build: quarantined with the failed test as
 * its reason, and the other documents are published without it. It never blocks later builds.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWarehouse } from "../../warehouse/build.ts";
import { testWarehouse } from "../../warehouse/data-tests.ts";
import { openDuckDb } from "../../warehouse/duckdb.ts";
import { DataTestsFailed } from "../../warehouse/errors.ts";
import { refresh } from "../../warehouse/refresh.ts";
import { documentIdOf } from "../../warehouse/store.ts";
import { freshDataDir, npmRun, ROOT } from "../helpers/cli.ts";
import { disposeDataDirs, publishedRows, refreshedDataDir } from "../reliability/helpers.ts";

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const JAWORZNO = join(ROOT, "sources/jaworzno/documents/jaworzno_mops_sprawozdanie-gpwr_2023.txt");
/**
 * Next year's edition of Wrocław's presentation (its extractor's fixture), read with a corrupting fault
 * (lib/faults.ts: its first NK-A figure read twice, as an extractor bug could): accepted, but
 * marts.niebieska_karta then has two rows for one figure (unique_grain, severity error). Without the
 * fault the same edition is published (the newer edition's figures are current).
 */
const WROCLAW_NEXT = join(ROOT, "sources/wroclaw/fixtures/dobre-praktyki_2000-2014_next-year.txt");
const KEDZIERZYN_NEXT = join(
  ROOT,
  "sources/kedzierzyn-kozle/fixtures/kedzierzyn-kozle_asystenci-rodziny_2026_wariant-a.txt",
);
const dirs: string[] = [];
afterAll(() => disposeDataDirs(dirs));

describe("DataTestsFailed names the documents", () => {
  let buildPath: string;
  beforeAll(async () => {
    process.env.OBS_DATA_DIR = freshDataDir("obs-dtf-");
    dirs.push(process.env.OBS_DATA_DIR);
    await refresh();
  });

  it("traces failing rows to their document (document_id, or observation_id → document)", async () => {
    ({ buildPath } = await buildWarehouse());
    const id = documentIdOf(readFileSync(JAWORZNO));
    const db = await openDuckDb(buildPath);
    // A figure of the Jaworzno report without value or flag: not_null_value (error) of fct_observation.
    await db.connection.run(
      `update marts.fct_observation set value = null, flags = []::varchar[]
       where observation_id = (select min(observation_id) from marts.fct_observation where document_id = '${id}')`,
    );
    db.close();
    const failure = await testWarehouse(buildPath).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(DataTestsFailed);
    const e = failure as DataTestsFailed;
    expect(e.documentIds).toEqual([id]);
    expect(e.message).toContain(id);
    expect(e.reasonFor(id)).toMatch(
      /^fails data test marts\.fct_observation: not_null_value .*1 failing row\(s\): line \d+/,
    );
  });

  it("names none when a failing row leads to no document", async () => {
    ({ buildPath } = await buildWarehouse());
    const db = await openDuckDb(buildPath);
    await db.connection.run("insert into marts.dim_centre select * from marts.dim_centre limit 1");
    db.close();
    const e = (await testWarehouse(buildPath).catch((x: unknown) => x)) as DataTestsFailed;
    expect(e).toBeInstanceOf(DataTestsFailed);
    expect(e.documentIds).toBeNull();
  });
});

describe("a stored document that fails an error-severity data test", () => {
  it("is quarantined with its reason, the good report is published, the next refresh is green", async () => {
    // everything bundled published, as `npm run refresh` leaves it (the run's one, copied)
    const dir = refreshedDataDir("obs-reject-");
    dirs.push(dir);
    const bad = documentIdOf(readFileSync(WROCLAW_NEXT));
    const good = documentIdOf(readFileSync(KEDZIERZYN_NEXT));
    const docsOf = async () =>
      (await publishedRows(dir, "select document_id from marts.dim_document")).map((r) => r.document_id);
    const figuresOf = async (id: string) =>
      (
        await publishedRows(
          dir,
          `select count(*)::int as n from marts.fct_observation where document_id = '${id}'`,
        )
      )[0]?.n;

    const r = npmRun("ingest", [WROCLAW_NEXT, KEDZIERZYN_NEXT], dir, undefined, {
      OBS_FAULT: "extract:repeat-figure:dobre-praktyki_2000-2014_next-year.txt",
    });
    expect(r.status, r.stderr).toBe(1);
    // One line naming the file and the failed test.
    expect(r.stderr).toMatch(
      /^✗ rejected dobre-praktyki_2000-2014_next-year\.txt: Liczby tego dokumentu nie przeszły testu danych hurtowni.* — fails data test .*marts\.niebieska_karta: unique_grain .*$/m,
    );
    expect(r.stderr).toMatch(/Published \d+ figures from 6 documents/);
    expect(await docsOf()).toContain(good);
    expect(await docsOf()).not.toContain(bad);
    expect(await figuresOf(bad)).toBe(0);
    expect(await figuresOf(good)).toBeGreaterThan(0);

    // Out of the store, into the quarantine with its bytes and the reason.
    expect(existsSync(join(dir, "documents", `${bad}.json`))).toBe(false);
    expect(existsSync(join(dir, "documents", `${bad}.txt`))).toBe(false);
    const q = join(dir, "quarantine");
    expect(readdirSync(q).sort()).toEqual([
      "dobre-praktyki_2000-2014_next-year.txt",
      "dobre-praktyki_2000-2014_next-year.txt.error.txt",
    ]);
    expect(sha(readFileSync(join(q, "dobre-praktyki_2000-2014_next-year.txt")))).toBe(
      sha(readFileSync(WROCLAW_NEXT)),
    );
    const reason = readFileSync(join(q, "dobre-praktyki_2000-2014_next-year.txt.error.txt"), "utf8");
    expect(reason).toMatch(
      /reason: Liczby tego dokumentu nie przeszły testu danych hurtowni.* — fails data test .*marts\.niebieska_karta: unique_grain/,
    );
    expect(reason).toContain(`document: ${bad}`);

    // The run log says rejected, with the test.
    const status = JSON.parse(npmRun("status", ["--json"], dir).stdout) as {
      documents: { document_id: string; state: string; error: string | null }[];
    };
    const row = status.documents.find((d) => d.document_id === bad);
    expect(row?.state).toBe("rejected");
    expect(row?.error).toMatch(/marts\.niebieska_karta: unique_grain/);

    // Nothing blocks later builds.
    const again = npmRun("refresh", [], dir);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).not.toMatch(/rejected/);
    expect(await docsOf()).toContain(good);
    expect(await figuresOf(bad)).toBe(0);

    // Read correctly (no fault), the same next edition is published: its figures are current, the
    // earlier edition's figures of the same years move to history.
    const fixed = npmRun("ingest", [join(q, "dobre-praktyki_2000-2014_next-year.txt")], dir);
    expect(fixed.status, fixed.stderr).toBe(0);
    expect(await figuresOf(bad)).toBeGreaterThan(0);
    const nk = await publishedRows(
      dir,
      `select count(*)::int as n, count(distinct (period_id, metric_id))::int as figures
       from marts.niebieska_karta where centre_id = 'wroclaw'`,
    );
    expect(nk[0]?.n).toBe(nk[0]?.figures);
  }, 600_000); // a hang guard only: four builds one after another, over 5 min on a heavily loaded machine
});
