/**
 * npm run bench -- [--scale 2477] [--seed 1] [--json] [--data DIR] [--keep] [--repeat 3]
 *                  [--build-repeat 1] [--reports 400] [--skip a,b] [--verify] [--verbose] [--live-code]
 *
 * Measures, side by side on the same synthetic national data (bench/generate.ts), each step in a
 * process of its own (wall time from spawn to exit, peak memory from the child):
 *   1. extraction throughput vs a bare read-and-split pass;
 *   2. the pipeline's full build (warehouse/build.ts) vs a raw DuckDB script (target ratio ≤ 1.3);
 *   3. one new report until published (an incremental build of warehouse/build.ts) vs the full build (target ≤ 5 %);
 *   4. analyst queries through the SQL CLI vs a minimal Node script (target ratio ≤ 1.2);
 *   5. graphile-worker job throughput: pipeline jobs vs no-op jobs (bench/worker-run.ts);
 *   6. the dashboards' first page data at national scale (target < 1 MB); the whole-site build (target
 *      ≤ 60 s), a changed report from its publish to its city page in Chromium (target ≤ 10 s), the first
 *      page in Chromium (≤ 1 MB, first chart ≤ 1.5 s) (bench/site-run.ts).
 * Benchmarks never fail: exit 0 however slow; non-zero only when a core step crashes.
 * --skip takes section names: extraction, variant, incremental, verify, queries, worker, dashboards,
 * site (the site build and publish-to-visible part of 6, in Chromium).
 * The code is copied to the work directory first and every step runs from the copy, so that edits
 * made meanwhile in the working tree cannot change the code halfway (--live-code runs the tree).
 */
import { spawn } from "node:child_process";
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { GENERATOR_VERSION, type Manifest } from "./generate.ts";
import { RESULT_PREFIX } from "./lib/child.ts";
import { compareWarehouses } from "./lib/compare.ts";
import { NATIONAL_GMINAS } from "./lib/gminas.ts";

const PROJECT = fileURLToPath(new URL("../", import.meta.url));
const TARGETS = {
  build_ratio: 1.3,
  incremental_ratio: 0.05,
  query_ratio: 1.2,
  first_page_bytes: 1_000_000,
  site_build_s: 60,
  publish_to_visible_s: 10,
  first_chart_ms: 1500,
};

const { values } = parseArgs({
  options: {
    scale: { type: "string", default: String(NATIONAL_GMINAS) },
    seed: { type: "string", default: "1" },
    json: { type: "boolean", default: false },
    data: { type: "string" },
    keep: { type: "boolean", default: false },
    repeat: { type: "string", default: "3" },
    "build-repeat": { type: "string", default: "1" },
    reports: { type: "string", default: "400" },
    skip: { type: "string", default: "" },
    verify: { type: "boolean" },
    verbose: { type: "boolean", default: false },
    "live-code": { type: "boolean", default: false },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help) {
  process.stdout.write(`${readFileSync(fileURLToPath(import.meta.url), "utf8").split("*/")[0]}*/\n`);
  process.exit(0);
}
const scale = Number(values.scale);
const seed = Number(values.seed);
const repeat = Math.max(1, Number(values.repeat));
const buildRepeat = Math.max(1, Number(values["build-repeat"]));
const skip = new Set(values.skip.split(",").filter(Boolean));
const verify = values.verify ?? scale <= 100;

const say = (line = "") => process.stderr.write(`${line}\n`);

// ---------------------------------------------------------------------------------------------
// Children

interface ChildRun {
  result: Record<string, unknown> & { max_rss_mb?: number; wall_s?: number };
  wall_s: number;
  status: number | null;
  stdout: string;
  stderr: string;
}

class ChildFailed extends Error {}

function run(
  command: string,
  args: string[],
  opts: { env?: Record<string, string>; allowFail?: boolean; quiet?: boolean } = {},
): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, {
      cwd: ROOT,
      env: { ...process.env, FORCE_COLOR: "0", ...opts.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => {
      err.push(d);
      if (values.verbose && !opts.quiet) process.stderr.write(d);
    });
    child.on("error", reject);
    child.on("close", (status) => {
      const wall_s = (performance.now() - started) / 1000;
      const stdout = Buffer.concat(out).toString("utf8");
      const stderr = Buffer.concat(err).toString("utf8");
      const line = stdout
        .split("\n")
        .reverse()
        .find((l) => l.startsWith(RESULT_PREFIX));
      const result = line ? JSON.parse(line.slice(RESULT_PREFIX.length)) : {};
      if (status !== 0 && !opts.allowFail) {
        reject(
          new ChildFailed(
            `${args.find((a) => a.endsWith(".ts") || a.endsWith(".mjs")) ?? command} exited ${status}:\n${stderr
              .split("\n")
              .slice(-60)
              .join("\n")}`,
          ),
        );
        return;
      }
      resolve({ result, wall_s, status, stdout, stderr });
    });
  });
}

const tsx = (script: string, args: string[], opts?: Parameters<typeof run>[2]) =>
  run(process.execPath, ["--import", "tsx", join(ROOT, script), ...args], opts);

// ---------------------------------------------------------------------------------------------
// Work directory and data

const work = values.data ? values.data : mkdtempSync("/var/tmp/obs-bench-");
mkdirSync(work, { recursive: true });
chmodSync(work, 0o755);
const input = join(work, "input");
const data = join(work, "data");
const verifyData = join(work, "data-full");
// Every child knows the data set's gminas as centres (sources/lib/centres.ts), as the service would from its seed.
const centresEnv = { OBS_EXTRA_CENTRES: join(input, "centres.csv") };
const env = { OBS_DATA_DIR: data, ...centresEnv };

/** A copy of the code the whole run uses (node_modules linked), unless --live-code. */
function snapshotCode(): string {
  if (values["live-code"]) return PROJECT;
  const code = join(work, "code");
  rmSync(code, { recursive: true, force: true });
  mkdirSync(code, { recursive: true });
  // tests/browser: the Chromium launcher the site bench uses (bench/site-run.ts)
  for (const d of [
    "bench",
    "cli",
    "lib",
    "models",
    "sources",
    "warehouse",
    "pipelines",
    "dashboards",
    "tests/browser",
  ]) {
    if (!existsSync(join(PROJECT, d))) continue;
    cpSync(join(PROJECT, d), join(code, d), {
      recursive: true,
      filter: (src) =>
        !/[/\\](node_modules|\.observablehq|dist|out)([/\\]|$)/.test(src.slice(PROJECT.length)),
    });
  }
  for (const f of ["package.json", "package-lock.json", "tsconfig.json", "observablehq.config.ts"]) {
    if (existsSync(join(PROJECT, f))) cpSync(join(PROJECT, f), join(code, f));
  }
  symlinkSync(join(PROJECT, "node_modules"), join(code, "node_modules"));
  return `${code}/`;
}
const ROOT = snapshotCode();

const report: Record<string, unknown> = {
  date: new Date().toISOString(),
  machine: {
    cpus: cpus().length,
    cpu: cpus()[0]?.model ?? "?",
    memory_gb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    load_at_start: loadavg().map((x) => Math.round(x * 100) / 100),
  },
  scale,
  seed,
  work,
};
const errors: Record<string, string> = {};

function sectionFailed(section: string, e: unknown) {
  const message = e instanceof Error ? e.message : String(e);
  errors[section] = message.split("\n").slice(0, 6).join("\n");
  say(`  ${section}: failed — ${message.split("\n")[0]}`);
}

const fmt = (n: number | undefined, digits = 2) =>
  n === undefined || !Number.isFinite(n) ? "–" : n.toFixed(digits);
const verdict = (ok: boolean) => (ok ? "meets the target" : "MISSES the target");

async function main() {
  say(`Obserwatorium benchmark: ${scale} gminas, seed ${seed}, work dir ${work}`);

  // 0. The data.
  const manifestPath = join(input, "manifest.json");
  let manifest: Manifest | undefined;
  if (existsSync(manifestPath)) {
    const m = JSON.parse(readFileSync(manifestPath, "utf8")) as Manifest;
    if (
      m.scale === scale &&
      m.seed === seed &&
      m.generatorVersion === GENERATOR_VERSION &&
      m.reports.count === Number(values.reports)
    )
      manifest = m;
  }
  if (!manifest) {
    say("Generating the national data…");
    const g = await tsx("bench/generate.ts", [
      "--out",
      input,
      "--scale",
      String(scale),
      "--seed",
      String(seed),
      "--reports",
      values.reports,
    ]);
    manifest = JSON.parse(g.stdout.trim().split("\n").at(-1) as string) as Manifest;
    report.generate_s = g.wall_s;
  }
  report.observations = manifest.observations;
  report.documents = manifest.documents;
  say(
    `  ${manifest.documents} documents, ${manifest.observations} observations (${(manifest.bytes.observations / 1e6).toFixed(0)} MB CSV), ${manifest.reports.count} sample reports`,
  );

  // 1. Extraction.
  if (!skip.has("extraction")) {
    say("1. Extraction throughput (sample reports in the real layouts) vs a bare read-and-split…");
    try {
      const dir = join(input, "reports");
      const bare = await tsx("bench/extract-run.ts", ["--dir", dir, "--mode", "bare"]);
      const ext = await tsx("bench/extract-run.ts", ["--dir", dir, "--mode", "extract"]);
      type Throughput = {
        reports: number;
        bytes: number;
        reports_per_s: number;
        mb_per_s: number;
        recognised?: number;
        figures?: number;
        rejected?: Record<string, number>;
      };
      const b = bare.result as unknown as Throughput;
      const e = ext.result as unknown as Throughput;
      report.extraction = {
        reports: e.reports,
        bytes: e.bytes,
        recognised: e.recognised,
        figures: e.figures,
        by_extractor: ext.result.by_extractor,
        seconds_by_extractor: ext.result.seconds_by_extractor,
        rejected: e.rejected,
        reports_per_s: e.reports_per_s,
        mb_per_s: e.mb_per_s,
        bare_reports_per_s: b.reports_per_s,
        bare_mb_per_s: b.mb_per_s,
        slowdown: b.mb_per_s / e.mb_per_s,
        max_rss_mb: ext.result.max_rss_mb,
        bare_max_rss_mb: bare.result.max_rss_mb,
        national_estimate_s: (manifest.documents * (e.bytes / Math.max(1, e.reports))) / 1e6 / e.mb_per_s,
      };
      say(
        `  extract: ${fmt(e.reports_per_s, 0)} reports/s, ${fmt(e.mb_per_s)} MB/s (${e.recognised}/${e.reports} recognised, ${e.figures} figures); bare: ${fmt(b.reports_per_s, 0)} reports/s, ${fmt(b.mb_per_s)} MB/s → ${fmt(b.mb_per_s / e.mb_per_s, 0)}× slower`,
      );
      const per = (ext.result.seconds_by_extractor ?? {}) as Record<string, number>;
      const counts = (ext.result.by_extractor ?? {}) as Record<string, number>;
      say(
        `    per report: ${Object.entries(per)
          .map(([id, sec]) => `${id} ${fmt((1000 * sec) / (counts[id] ?? 1), 0)} ms`)
          .join(", ")}`,
      );
      for (const [reason, n] of Object.entries(e.rejected ?? {})) say(`    rejected ×${n}: ${reason}`);
    } catch (err) {
      sectionFailed("extraction", err);
    }
  }

  // 2. Full build vs baseline.
  say("2. Full build through the pipeline vs a raw DuckDB script…");
  rmSync(data, { recursive: true, force: true });
  const bundledCsv = join(work, "bundled");
  const store = await tsx("bench/prepare-store.ts", ["--input", input, "--bundled-out", bundledCsv], { env });
  report.prepare_store_s = store.wall_s;
  say(
    `  stored ${manifest.documents} documents with their extraction cache in ${fmt(store.wall_s, 1)} s (not timed)`,
  );
  // Baseline and pipeline in turn, --build-repeat times; the fastest of each counts (the others
  // measured what else the machine was doing).
  const baselines: ChildRun[] = [];
  const fulls: ChildRun[] = [];
  const variants: ChildRun[] = [];
  for (let i = 0; i < buildRepeat; i++) {
    // The previous way of loading (JS objects) first, for comparison: the as-is build publishes last,
    // and the later steps read its snapshot.
    if (!skip.has("variant")) {
      try {
        variants.push(await tsx("bench/build-pipeline.ts", ["--input", input, "--js-objects"], { env }));
      } catch (err) {
        sectionFailed("variant", err);
      }
    }
    baselines.push(
      await tsx("bench/build-baseline.ts", [
        "--input",
        input,
        "--out",
        join(work, "baseline.duckdb"),
        "--bundled",
        bundledCsv,
      ]),
    );
    fulls.push(await tsx("bench/build-pipeline.ts", ["--input", input], { env }));
  }
  const fastest = (runs: ChildRun[]) => runs.reduce((a, b) => (b.wall_s < a.wall_s ? b : a));
  const baseline = fastest(baselines);
  const full = fastest(fulls);
  const ratio = full.wall_s / baseline.wall_s;
  report.full_build_s = full.wall_s;
  report.baseline_s = baseline.wall_s;
  report.ratio = ratio;
  report.full_build = { ...full.result, process_wall_s: full.wall_s, samples_s: fulls.map((r) => r.wall_s) };
  report.baseline = {
    ...baseline.result,
    process_wall_s: baseline.wall_s,
    samples_s: baselines.map((r) => r.wall_s),
  };
  report.published_bytes = statSync(join(data, "warehouse", "published.duckdb")).size;
  say(
    `  pipeline ${fmt(full.wall_s, 1)} s (${full.result.max_rss_mb} MB peak) vs baseline ${fmt(baseline.wall_s, 1)} s (${baseline.result.max_rss_mb} MB) → ratio ${fmt(ratio)} (target ≤ ${TARGETS.build_ratio}: ${verdict(ratio <= TARGETS.build_ratio)})`,
  );
  if (buildRepeat > 1) {
    say(
      `    samples: pipeline ${fulls.map((r) => fmt(r.wall_s, 1)).join(", ")} s; baseline ${baselines.map((r) => fmt(r.wall_s, 1)).join(", ")} s`,
    );
  }
  say(`    pipeline phases: ${phases(full.result.phases)}`);
  say(`    baseline phases: ${phases(baseline.result.phases)}`);
  if (variants.length > 0) {
    const variant = fastest(variants);
    report.full_build_js_objects = {
      ...variant.result,
      process_wall_s: variant.wall_s,
      samples_s: variants.map((r) => r.wall_s),
    };
    report.js_objects_ratio = variant.wall_s / baseline.wall_s;
    say(
      `  before — the cache parsed into JS objects (extractAll + loadRaw): ${fmt(variant.wall_s, 1)} s → ratio ${fmt(variant.wall_s / baseline.wall_s)} (${variant.result.max_rss_mb} MB peak); phases: ${phases(variant.result.phases)}`,
    );
  }

  // 3. Incremental.
  if (!skip.has("incremental")) {
    try {
      await incremental(Number(full.result.wall_s));
    } catch (err) {
      sectionFailed("incremental", err);
    }
  }

  // 4. Queries.
  if (!skip.has("queries")) {
    try {
      await queries(String((report.incremental as { centres?: string[] } | undefined)?.centres?.[0] ?? ""));
    } catch (err) {
      sectionFailed("queries", err);
    }
  }

  // 5. Worker.
  if (!skip.has("worker")) {
    try {
      await worker();
    } catch (err) {
      sectionFailed("worker", err);
    }
  }

  // 6. Dashboards.
  if (!skip.has("dashboards")) {
    try {
      await dashboards();
    } catch (err) {
      sectionFailed("dashboards", err);
    }
  }

  report.machine = {
    ...(report.machine as object),
    load_at_end: loadavg().map((x) => Math.round(x * 100) / 100),
  };
  report.targets = TARGETS;
  // Peak memory (maxRSS) of each measured process, in one place.
  report.peak_rss_mb = {
    full_build: rssOf("full_build"),
    baseline: rssOf("baseline"),
    full_build_js_objects: rssOf("full_build_js_objects"),
    incremental: rssOf("incremental"),
    query_cli: (report.queries as { max_rss_mb?: Record<string, number> } | undefined)?.max_rss_mb?.cli,
    query_minimal: (report.queries as { max_rss_mb?: Record<string, number> } | undefined)?.max_rss_mb
      ?.minimal,
  };
  if (Object.keys(errors).length > 0) report.errors = errors;
  summary();
}

function phases(p: unknown): string {
  return Object.entries((p ?? {}) as Record<string, number>)
    .map(([k, v]) => `${k} ${fmt(v, 1)}`)
    .join(", ");
}

// ---------------------------------------------------------------------------------------------
// 3. One report arrives.

async function incremental(fullInProcess: number) {
  say("3. One new report until published (incremental) vs the full build…");
  const inc = await tsx("bench/incremental-run.ts", ["--input", input], { env });
  const r = inc.result as Record<string, unknown> & { wall_s: number; phases: Record<string, number> };
  if (r.declined) {
    report.incremental = { declined: r.declined };
    say(`  not measured: the incremental refresh declined — ${String(r.declined)}`);
    return;
  }
  // In-process times on both sides: the service is running when a report arrives. Ingest knows
  // which document it stored, so listing every known document (the diff phase) is not part of it.
  const known = r.wall_s - (r.phases.diff ?? 0);
  report.incremental_s = known;
  report.incremental_ratio = known / fullInProcess;
  report.incremental = {
    ...r,
    process_wall_s: inc.wall_s,
    with_listing_s: r.wall_s,
    with_listing_ratio: r.wall_s / fullInProcess,
  };
  say(
    `  ${fmt(known)} s from arrival to published vs ${fmt(fullInProcess, 1)} s full build → ${fmt(100 * (known / fullInProcess), 1)} % (target ≤ 5 %: ${verdict(known / fullInProcess <= TARGETS.incremental_ratio)})`,
  );
  say(`    phases: ${phases(r.phases)}; inside the refresh: ${phases(r.incremental_phases)}`);
  const slow = ((r.steps ?? []) as { model: string; strategy: string; seconds: number }[])
    .filter((s) => s.seconds >= 0.1)
    .map((s) => `${s.model} ${s.strategy} ${fmt(s.seconds)} s`);
  if (slow.length > 0) say(`    slowest models: ${slow.join(", ")}`);
  say(
    `    listing every known document to find what is new would cost ${fmt(r.phases.diff)} s more (${fmt(100 * (r.wall_s / fullInProcess), 1)} % with it)`,
  );
  const ext = (r.extraction ?? {}) as Record<string, unknown>;
  say(
    `    the report's text: ${String(ext.status)}${ext.extractor ? ` by ${String(ext.extractor)}, ${String(ext.figures)} figures` : ext.reason ? ` (${String(ext.reason)})` : ""}`,
  );

  if (verify && !skip.has("verify")) {
    say("  verifying: a full build of the same documents must equal the incremental result…");
    rmSync(verifyData, { recursive: true, force: true });
    const venv = { OBS_DATA_DIR: verifyData, ...centresEnv };
    await tsx("bench/prepare-store.ts", ["--input", input], { env: venv });
    await tsx("bench/prepare-store.ts", ["--input", input, "--holdout"], { env: venv });
    await tsx("bench/build-pipeline.ts", ["--input", input], { env: venv });
    const cmp = await compareWarehouses(
      join(data, "warehouse", "published.duckdb"),
      join(verifyData, "warehouse", "published.duckdb"),
    );
    report.verify = { tables: cmp.tables, equal: cmp.differences.length === 0, differences: cmp.differences };
    say(
      cmp.differences.length === 0
        ? `  ✓ all ${cmp.tables} tables equal`
        : `  ✗ ${cmp.differences.length} table(s) differ: ${cmp.differences.map((d) => `${d.table} (+${d.onlyInA}/−${d.onlyInB})`).join(", ")}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// 4. Queries: the SQL CLI vs a minimal script, whole processes.

async function queries(gmina: string) {
  say("4. Analyst queries: the SQL CLI vs a minimal Node script (whole processes)…");
  const published = join(data, "warehouse", "published.duckdb");
  const QUERIES: [string, string][] = [
    [
      "one gmina's series",
      `select period_id, value from marts.fct_observation where centre_id = '${gmina}' and metric_id = 'families_assisted' order by period_id`,
    ],
    [
      "families by voivodeship and year",
      "select c.voivodeship, f.year, sum(f.families_assisted) as families from marts.families f join marts.dim_centre c using (centre_id) where f.period_kind = 'year' group by all order by all",
    ],
    [
      "staffing above the norm",
      "select centre_id, period_id, ratio from marts.staffing where measure = 'residents_per_social_worker' and period_id = '2025' and exceeds_norm order by ratio desc limit 50",
    ],
    [
      "reasons, national shares",
      "select reason, avg(share) as avg_share, count(*) as gminas from marts.assistance_reasons where period_id = '2024' group by reason order by avg_share desc",
    ],
    [
      "data quality summary",
      "select check_name, severity, count(*) as n from marts.data_quality group by all order by n desc",
    ],
    [
      "Niebieska Karta trend",
      "select year, sum(value) as forms from marts.niebieska_karta where metric_id = 'nk_a_forms' and period_kind = 'year' group by year order by year",
    ],
    [
      "coverage by period",
      "select period_id, avg(has_value::int) as share from marts.coverage group by 1 order by 1",
    ],
    [
      "export: families_assisted with quotes",
      "select centre_id, period_id, value, quote from marts.fct_observation where metric_id = 'families_assisted'",
    ],
  ];
  const preload = ["--import", join(ROOT, "bench", "lib", "rss-preload.mjs")];
  const rssFile = join(work, "rss.json");
  // The CLI as `npm run sql` runs it (package.json's script; the npm wrapper itself is not timed), and
  // for comparison cli/sql.ts straight through tsx (its lean import graph without the compiled bundle).
  const cli = sqlScript();
  type Kind = "cli" | "minimal" | "tsx";
  const once = async (kind: Kind, sql: string) => {
    rmSync(rssFile, { force: true });
    const args =
      kind === "cli"
        ? [...preload, ...cli, "--format", "csv", sql]
        : kind === "tsx"
          ? [...preload, "--import", "tsx", join(ROOT, "cli", "sql.ts"), "--format", "csv", sql]
          : [...preload, join(ROOT, "bench", "minimal-query.mjs"), published, sql];
    const r = await run(process.execPath, args, { env: { ...env, BENCH_RSS_FILE: rssFile } });
    const usage = existsSync(rssFile)
      ? (JSON.parse(readFileSync(rssFile, "utf8")) as { maxRSS: number })
      : null;
    return { seconds: r.wall_s, rss_mb: usage ? Math.round(usage.maxRSS / 1024) : 0, bytes: r.stdout.length };
  };
  const kinds: Kind[] = ["cli", "minimal", "tsx"];
  say(`  the CLI: node ${cli.map((a) => a.replace(ROOT, "")).join(" ")} (package.json "sql")`);
  // Warm-up: the CLI's compiled bundle (built on its first run), tsx's transform cache, the snapshot in the page cache.
  for (const k of kinds) await once(k, "select count(*) from marts.fct_observation");
  const startup: Partial<Record<Kind, number>> = {};
  for (const k of kinds) startup[k] = (await once(k, "select 1")).seconds;

  const rows: Record<string, unknown>[] = [];
  const total: Record<Kind, number> = { cli: 0, minimal: 0, tsx: 0 };
  const rss: Record<Kind, number> = { cli: 0, minimal: 0, tsx: 0 };
  for (const [name, sql] of QUERIES) {
    const times: Record<Kind, number[]> = { cli: [], minimal: [], tsx: [] };
    let outBytes = 0;
    for (let i = 0; i < repeat; i++) {
      for (const k of kinds) {
        const r = await once(k, sql);
        times[k].push(r.seconds);
        rss[k] = Math.max(rss[k], r.rss_mb);
        if (k === "cli") outBytes = r.bytes;
      }
    }
    const c = median(times.cli);
    const m = median(times.minimal);
    const x = median(times.tsx);
    total.cli += c;
    total.minimal += m;
    total.tsx += x;
    rows.push({ name, cli_s: c, minimal_s: m, tsx_cli_s: x, ratio: c / m, output_bytes: outBytes });
    say(
      `  ${name.padEnd(38)} CLI ${fmt(c)} s, minimal ${fmt(m)} s → ${fmt(c / m)}  (through tsx ${fmt(x)} s → ${fmt(x / m)})`,
    );
  }
  const ratio = total.cli / total.minimal;
  report.query_ratio = ratio;
  report.queries = {
    repeat,
    cli_s: total.cli,
    minimal_s: total.minimal,
    command: cli.map((a) => a.replace(ROOT, "")).join(" "),
    tsx_cli_s: total.tsx,
    tsx_cli_ratio: total.tsx / total.minimal,
    startup_s: startup,
    max_rss_mb: rss,
    per_query: rows,
  };
  say(
    `  all ${QUERIES.length} queries (median of ${repeat}): CLI ${fmt(total.cli)} s vs minimal ${fmt(total.minimal)} s → ratio ${fmt(ratio)} (target ≤ ${TARGETS.query_ratio}: ${verdict(ratio <= TARGETS.query_ratio)}); peak ${rss.cli} MB vs ${rss.minimal} MB`,
  );
  say(
    `    a query that costs nothing ("select 1"): CLI ${fmt(startup.cli)} s vs minimal ${fmt(startup.minimal)} s`,
  );
  say(
    `    cli/sql.ts through tsx (lean imports, not compiled): ${fmt(total.tsx)} s → ratio ${fmt(total.tsx / total.minimal)}; "select 1" ${fmt(startup.tsx)} s`,
  );
}

/** The command of package.json's "sql" script as node arguments (npm's own start-up is not timed). */
function sqlScript(): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: { sql: string } };
  const words = pkg.scripts.sql.split(/\s+/).filter((w) => w !== "exec");
  const [first, ...rest] = words;
  const abs = (w: string) => (/\.(m?js|ts)$/.test(w) ? join(ROOT, w) : w);
  if (first === "node") return rest.map(abs);
  if (first === "tsx") return ["--import", "tsx", ...rest.map(abs)];
  throw new Error(`cannot time the sql script: ${pkg.scripts.sql}`);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

// ---------------------------------------------------------------------------------------------
// 5. graphile-worker

async function worker() {
  say("5. graphile-worker: pipeline jobs vs no-op jobs on the same Postgres…");
  if (
    !existsSync(join(ROOT, "bench", "worker-run.ts")) ||
    !existsSync(join(ROOT, "pipelines", "worker.ts"))
  ) {
    report.worker = { status: "not measured: no pipelines/worker.ts yet" };
    say("  not measured: the pipeline service (pipelines/worker.ts) does not exist yet");
    return;
  }
  const r = await tsx("bench/worker-run.ts", [], { env, allowFail: true });
  if (r.status !== 0) throw new Error(r.stderr.split("\n").slice(-12).join("\n"));
  report.worker = { ...r.result, process_wall_s: r.wall_s };
  const w = r.result as Record<string, unknown>;
  say(`  ${String(w.summary ?? JSON.stringify(w))}`);
}

// ---------------------------------------------------------------------------------------------
// 6. Dashboards

async function dashboards() {
  say("6. Dashboards at national scale: data shipped to the first page, then to the other pages…");
  if (
    !existsSync(join(ROOT, "bench", "dashboards-run.ts")) ||
    !existsSync(join(ROOT, "dashboards", "index.md"))
  ) {
    report.dashboards = { status: "not measured: no dashboards yet" };
    say("  not measured: the dashboards do not exist yet");
    return;
  }
  const r = await tsx("bench/dashboards-run.ts", [], { env, allowFail: true });
  if (r.status !== 0) throw new Error(r.stderr.split("\n").slice(-12).join("\n"));
  report.dashboards = { ...r.result, process_wall_s: r.wall_s };
  const d = r.result as Record<string, unknown> & { first_page_bytes?: number };
  say(
    `  ${String(d.summary ?? "")}${d.first_page_bytes !== undefined ? ` (target < 1 MB: ${verdict(d.first_page_bytes < TARGETS.first_page_bytes)})` : ""}`,
  );
  // The other pages too (no target of the issue, the same rule: pages aggregate). Their FileAttachments
  // only: a file a page fetches when the reader picks something (a city, a series) is one centre's or
  // one series' and is not counted; Dane (downloads on a click) and SQL (the marts, in the browser's
  // DuckDB) ship whole marts by design and are left out.
  const pages: Record<string, unknown> = {};
  for (const page of OTHER_PAGES) {
    if (!existsSync(join(ROOT, "dashboards", page))) continue;
    const p = await tsx("bench/dashboards-run.ts", ["--page", page], { env, allowFail: true });
    if (p.status !== 0) {
      pages[page] = { status: "failed", error: p.stderr.split("\n").slice(-3).join(" ") };
      say(`  ${page}: failed`);
      continue;
    }
    const r = p.result as { first_page_bytes: number; first_page_gzip_bytes: number; summary: string };
    pages[page] = { bytes: r.first_page_bytes, gzip_bytes: r.first_page_gzip_bytes, summary: r.summary };
    say(`  ${r.summary.replace(/^first page /, "")}`);
  }
  report.dashboards_pages = pages;

  // The site built once, its data published beside it (issue 13): bench/site-run.ts.
  if (skip.has("site")) {
    report.site = { status: "skipped (--skip site)" };
    return;
  }
  say("  site and data publish (one city template; a changed report until it shows on its city page)…");
  const site = await tsx("bench/site-run.ts", [], { env, allowFail: true });
  if (site.status !== 0) {
    report.site = { status: "failed", error: site.stderr.split("\n").slice(-5).join(" ") };
    say(`  site: failed: ${site.stderr.split("\n").slice(-5).join(" ")}`);
    return;
  }
  const sr = site.result as Record<string, unknown> & {
    site_build_s?: number;
    publish_to_visible_s?: number | null;
    first_page_bytes?: number;
    first_chart_ms?: number;
  };
  report.site = { ...sr, process_wall_s: site.wall_s };
  report.site_build_s = sr.site_build_s;
  report.publish_to_visible_s = sr.publish_to_visible_s;
  say(`  ${String(sr.summary ?? "")}`);
  say(
    `  targets: site build ${verdict((sr.site_build_s ?? Infinity) <= TARGETS.site_build_s)}, publish to visible ${verdict((sr.publish_to_visible_s ?? Infinity) <= TARGETS.publish_to_visible_s)}, first page ${verdict((sr.first_page_bytes ?? Infinity) <= TARGETS.first_page_bytes)}, first chart ${verdict((sr.first_chart_ms ?? Infinity) <= TARGETS.first_chart_ms)}`,
  );
}

/** Pages measured besides the first one (section 6). */
const OTHER_PAGES = ["porownanie.md", "rodziny.md", "niebieska-karta.md", "kadry.md", "jakosc.md"];

// ---------------------------------------------------------------------------------------------

function rssOf(k: string): number | undefined {
  return (report[k] as { max_rss_mb?: number } | undefined)?.max_rss_mb;
}

function summary() {
  say();
  say("Summary");
  const rows: [string, string, string][] = [
    ["observations", String(report.observations), ""],
    ["full build (pipeline)", `${fmt(report.full_build_s as number, 1)} s`, ""],
    ["baseline (raw DuckDB)", `${fmt(report.baseline_s as number, 1)} s`, ""],
    ["build ratio", fmt(report.ratio as number), `≤ ${TARGETS.build_ratio}`],
    ["incremental (one report)", `${fmt(report.incremental_s as number)} s`, ""],
    ["incremental / full", `${fmt(100 * (report.incremental_ratio as number), 1)} %`, "≤ 5 %"],
    ["query ratio (CLI / minimal)", fmt(report.query_ratio as number), `≤ ${TARGETS.query_ratio}`],
    ["peak memory build / baseline", `${rssOf("full_build") ?? "–"} / ${rssOf("baseline") ?? "–"} MB`, ""],
    ["dashboards site build", `${fmt(report.site_build_s as number, 1)} s`, `≤ ${TARGETS.site_build_s} s`],
    [
      "report publish → city page",
      `${fmt(report.publish_to_visible_s as number, 1)} s`,
      `≤ ${TARGETS.publish_to_visible_s} s`,
    ],
  ];
  for (const [k, v, target] of rows) say(`  ${k.padEnd(30)} ${v.padStart(10)}  ${target}`);
  if (Object.keys(errors).length > 0) say(`  sections that failed: ${Object.keys(errors).join(", ")}`);
  if (values.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  if (!values.keep && !values.data) rmSync(work, { recursive: true, force: true });
}

main().catch((e) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  if (!(e instanceof ChildFailed) && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  if (values.json)
    process.stdout.write(`${JSON.stringify({ ...report, errors: { ...errors, crash: String(e) } })}\n`);
  if (!values.keep && !values.data) rmSync(work, { recursive: true, force: true });
  process.exitCode = 1;
});
