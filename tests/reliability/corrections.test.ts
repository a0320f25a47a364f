/**
 * A re-issued report (same centre, kind and period, other figures) supersedes the earlier one: the
 * marts show the current figure marked corrected, the history keeps every version with the document
 * it came from and when it was valid, and nothing is deleted. Through the CLI, as a user does it.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDataDir, sqlJson } from "../helpers/cli.ts";
import {
  BUNDLED,
  bundledText,
  disposeDataDirs,
  documentIdOfFile,
  kedzierzynReport,
  npmRunAsync,
  publishedRows,
  ROOT,
  refreshedDataDir,
} from "./helpers.ts";

interface Fact {
  metric_id: string;
  value: number | null;
  document_id: string;
  is_corrected: boolean;
}

interface Version {
  document_id: string;
  value: number | null;
  version: number;
  is_current: boolean;
  superseded_by: string | null;
  valid_from: string | null;
  valid_to: string | null;
}

describe("a corrected report supersedes the earlier one; nothing is deleted", () => {
  let data: string;
  let userDir: string;
  const original = documentIdOfFile(`${ROOT}/${BUNDLED.kedzierzyn}`);
  let second: string;
  let third: string;
  const facts = () =>
    sqlJson<Fact>(
      data,
      `select metric_id, value, document_id, is_corrected from marts.fct_observation
       where centre_id = 'kedzierzyn-kozle' and period_id = '2025' order by metric_id, line`,
    );
  const versions = async (metric: string) =>
    (await publishedRows(
      data,
      `select h.document_id, h.value, h.version, h.is_current, h.superseded_by,
          cast(h.valid_from as varchar) as valid_from, cast(h.valid_to as varchar) as valid_to
       from marts.observation_history h
       where h.centre_id = 'kedzierzyn-kozle' and h.period_id = '2025' and h.metric_id = '${metric}'
       order by h.version`,
    )) as unknown as Version[];
  let before: Fact[];

  beforeAll(async () => {
    data = refreshedDataDir("obs-corrections-");
    before = facts();
    userDir = freshDataDir("obs-corrections-user-");
    // The 2025 report issued again: 76 families instead of 74 (children unchanged), then once more.
    const v2 = kedzierzynReport(userDir, "asystenci-2025-korekta.txt", {
      year: 2025,
      families: 76,
      children: 135,
    });
    second = documentIdOfFile(v2);
    const r2 = await npmRunAsync("ingest", [v2], data);
    expect(r2.status, r2.stderr).toBe(0);
    const v3 = kedzierzynReport(userDir, "asystenci-2025-korekta-2.txt", {
      year: 2025,
      families: 77,
      children: 135,
    });
    third = documentIdOfFile(v3);
    const r3 = await npmRunAsync("ingest", [v3], data);
    expect(r3.status, r3.stderr).toBe(0);
  });

  afterAll(() => disposeDataDirs([data, userDir]));

  it("reads 74 families from the bundled report before any correction", () => {
    const families = before.filter((f) => f.metric_id === "families_with_family_assistant");
    expect(families.map((f) => [f.value, f.is_corrected])).toEqual([[74, false]]);
  });

  it("shows the current figure, marked corrected; unchanged figures are not marked", () => {
    const now = facts();
    const families = now.filter((f) => f.metric_id === "families_with_family_assistant");
    expect(families).toEqual([
      { metric_id: "families_with_family_assistant", value: 77, document_id: third, is_corrected: true },
    ]);
    const children = now.filter((f) => f.metric_id === "children_in_families_with_family_assistant");
    expect(children.map((f) => [f.value, f.is_corrected, f.document_id])).toEqual([[135, false, third]]);
    // Every current figure comes from the latest version, as many as before.
    expect(now.every((f) => f.document_id === third)).toBe(true);
    expect(now.length).toBe(before.length);
  });

  it("keeps every version in the history with its document and when it was valid", async () => {
    const history = await versions("families_with_family_assistant");
    expect(history.map((h) => [h.document_id, h.value, h.version, h.is_current, h.superseded_by])).toEqual([
      [original, 74, 1, false, second],
      [second, 76, 2, false, third],
      [third, 77, 3, true, null],
    ]);
    const [v1, v2, v3] = history as [Version, Version, Version];
    expect(v1.valid_to).toBe(v2.valid_from); // one version ends when the next is received
    expect(v2.valid_to).toBe(v3.valid_from);
    expect(v3.valid_to).toBeNull();
    expect(v2.valid_from !== null && v3.valid_from !== null && v2.valid_from < v3.valid_from).toBe(true);
  });

  it("deletes nothing: every document stays, superseded ones marked so", async () => {
    const docs = await publishedRows(
      data,
      `select document_id, version, is_current from marts.dim_document
       where centre_id = 'kedzierzyn-kozle' order by version`,
    );
    expect(docs).toEqual([
      { document_id: original, version: 1, is_current: false },
      { document_id: second, version: 2, is_current: false },
      { document_id: third, version: 3, is_current: true },
    ]);
  });

  it("does not bring an old version back when it is ingested again", async () => {
    const r = await npmRunAsync("ingest", [`${ROOT}/${BUNDLED.kedzierzyn}`], data);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/already known/);
    expect(
      facts()
        .filter((f) => f.metric_id === "families_with_family_assistant")
        .map((f) => f.value),
    ).toEqual([77]);
  });

  it("marks only the figure whose value changed, not an unchanged contradiction pair", async () => {
    // Jaworzno's 2023 report states the families of the activation and support teams twice, 14 (the
    // table) and 12 (the prose): both kept, a contradiction. Its correction changes another figure only.
    const pair = `select line, value, is_corrected from marts.fct_observation
       where centre_id = 'jaworzno' and period_id = '2023' and metric_id = 'families_by_diagnostic_tool'
         and breakdown = 'activation_support_team' order by line`;
    expect(sqlJson(data, pair).map((f) => f.value)).toEqual([14, 12]);
    const text = bundledText("jaworzno");
    const line = "konsultacje psychologiczne indywidualne i w środowisku zamieszkania 23";
    expect(text).toContain(line);
    const corrected = join(userDir, "jaworzno-2023-korekta.txt");
    writeFileSync(corrected, text.replace(line, line.replace(/23$/, "25")));
    const r = await npmRunAsync("ingest", [corrected], data);
    expect(r.status, r.stderr).toBe(0);
    const marked = sqlJson<Fact & { breakdown: string }>(
      data,
      `select metric_id, breakdown, value, document_id, is_corrected from marts.fct_observation
       where centre_id = 'jaworzno' and is_corrected order by metric_id, breakdown`,
    );
    expect(marked).toEqual([
      {
        metric_id: "families_by_diagnostic_tool",
        breakdown: "psychological_consultation",
        value: 25,
        document_id: documentIdOfFile(corrected),
        is_corrected: true,
      },
    ]);
    // The pair is still there, from the correction, and not marked corrected.
    expect(sqlJson(data, pair).map((f) => [f.value, f.is_corrected])).toEqual([
      [14, false],
      [12, false],
    ]);
  });
});
