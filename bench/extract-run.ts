/**
 * Extraction throughput over a directory of reports (recursively):
 *   --mode extract  read the bytes, decode (readDocumentText), recognise and extract every figure,
 *                   validated against the contract (extractDocument) — what ingest does per report;
 *   --mode bare     read the bytes, decode UTF-8 and split into lines: the floor any reader pays.
 *
 *   node --import tsx bench/extract-run.ts --dir DIR --mode extract|bare
 */
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { Phases, reportResult } from "./lib/child.ts";

const { values } = parseArgs({
  options: { dir: { type: "string" }, mode: { type: "string", default: "extract" } },
});
if (!values.dir) throw new Error("--dir DIR is required");
const dir = values.dir;
const mode = values.mode;
if (mode !== "extract" && mode !== "bare") throw new Error("--mode must be extract or bare");

async function filesUnder(d: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
    const p = join(d, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else if (e.name.endsWith(".txt") || e.name.endsWith(".pdf")) out.push(p);
  }
  return out.sort();
}

const t = new Phases();
// The extractors are loaded before the clock starts: throughput, not start-up.
const extract =
  mode === "extract"
    ? {
        readDocumentText: (await import("../sources/lib/read-document.ts")).readDocumentText,
        extractDocument: (await import("../sources/registry.ts")).extractDocument,
      }
    : null;
const files = await filesUnder(dir);
t.mark("startup");

let bytes = 0;
let lines = 0;
let figures = 0;
let recognised = 0;
const byExtractor: Record<string, number> = {};
const secondsByExtractor: Record<string, number> = {};
const rejected: Record<string, number> = {};
const started = performance.now();
for (const f of files) {
  const data = new Uint8Array(await readFile(f));
  bytes += data.length;
  if (!extract) {
    lines += new TextDecoder("utf-8").decode(data).split(/\r\n|\n|\r/).length;
    continue;
  }
  const name = relative(dir, f);
  const one = performance.now();
  try {
    const text = await extract.readDocumentText(data, name);
    const r = extract.extractDocument(text, name);
    recognised++;
    figures += r.observations.length;
    byExtractor[r.extractor.id] = (byExtractor[r.extractor.id] ?? 0) + 1;
    secondsByExtractor[r.extractor.id] =
      (secondsByExtractor[r.extractor.id] ?? 0) + (performance.now() - one) / 1000;
  } catch (e) {
    // The reason without the file name, so that equal reasons group.
    const reason = (e as Error).message.replace(`${name}: `, "").slice(0, 160);
    rejected[reason] = (rejected[reason] ?? 0) + 1;
  }
}
const seconds = (performance.now() - started) / 1000;
t.mark("run");

reportResult({
  name: `extract-${mode}`,
  reports: files.length,
  bytes,
  seconds,
  reports_per_s: files.length / Math.max(seconds, 1e-9),
  mb_per_s: bytes / 1e6 / Math.max(seconds, 1e-9),
  ...(extract
    ? { recognised, figures, by_extractor: byExtractor, seconds_by_extractor: secondsByExtractor, rejected }
    : { lines }),
  wall_s: t.total,
  phases: t.phases,
});
