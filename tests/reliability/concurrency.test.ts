/**
 * The same report ingested ten times at once by ten `npm run ingest` processes ends as one document
 * and one version. (The inbox half — CLI and inbox together — belongs to the service's tests.)
 */
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDataDir, sqlJson } from "../helpers/cli.ts";
import {
  type AsyncRunResult,
  copyDataDir,
  disposeDataDirs,
  documentIdOfFile,
  filesUnder,
  kedzierzynReport,
  NEXT_YEAR_REPORT,
  npmRunAsync,
  refreshedDataDir,
} from "./helpers.ts";

describe("ten processes ingest the same report at once", () => {
  const dirs: string[] = [];
  let data: string;
  let report: string;
  let runs: AsyncRunResult[];

  beforeAll(async () => {
    const template = refreshedDataDir("obs-concurrency-");
    dirs.push(template);
    data = copyDataDir(template, "obs-concurrency-run-");
    dirs.push(data);
    // Ten copies under ten names: the same bytes, as ten people would save the same e-mail attachment.
    const userDir = freshDataDir("obs-concurrency-user-");
    dirs.push(userDir);
    const files = Array.from({ length: 10 }, (_, i) => join(userDir, `raport-${i}.txt`));
    for (const f of files) copyFileSync(NEXT_YEAR_REPORT, f);
    report = NEXT_YEAR_REPORT;
    runs = await Promise.all(files.map((f) => npmRunAsync("ingest", [f], data)));
  });

  afterAll(() => disposeDataDirs(dirs));

  it("every process ends well", () => {
    for (const r of runs) expect(r.status, r.stderr).toBe(0);
    const stored = runs.filter((r) => /✓ stored/.test(r.stderr)).length;
    const known = runs.filter((r) => /= already known/.test(r.stderr)).length;
    expect(stored + known).toBe(10);
    expect(stored).toBeGreaterThanOrEqual(1);
  });

  it("ends as one document and one version, its figures once", () => {
    const id = documentIdOfFile(report);
    const docs = sqlJson<{ document_id: string; version: number; is_current: boolean }>(
      data,
      "select document_id, version, is_current from marts.dim_document where centre_id = 'kedzierzyn-kozle' and list_contains(periods, '2026')",
    );
    expect(docs).toEqual([{ document_id: id, version: 1, is_current: true }]);
    const dup = sqlJson(
      data,
      `select period_id, metric_id, breakdown, count(*) as n from marts.fct_observation
       where document_id = '${id}' group by all having count(*) > 1`,
    );
    expect(dup).toEqual([]);
    const history = sqlJson<{ n: number }>(
      data,
      `select count(distinct document_id) as n from marts.observation_history where centre_id = 'kedzierzyn-kozle' and period_id = '2026'`,
    );
    expect(history).toEqual([{ n: 1 }]);
    expect(filesUnder(join(data, "documents")).filter((f) => f.endsWith(".json"))).toEqual([`${id}.json`]);
    expect(filesUnder(join(data, "warehouse")).filter((f) => f.startsWith("builds/"))).toEqual([]);
  });
});
