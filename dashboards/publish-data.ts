// Publish the dashboards' data beside the site: every file the pages fetch at runtime (per page, per
// centre, per series, the marts for download), written from the published warehouse snapshot into a new
// versioned directory, then made current by an atomic rename of a small pointer:
//
//   $OBS_DATA_DIR/dashboards/data/<variant>/<build-id>/…          the files, never changed once made current
//   $OBS_DATA_DIR/dashboards/data/<variant>/<build-id>/manifest.json   what and when (provenance)
//   $OBS_DATA_DIR/dashboards/data/<variant>/current.json           → the build id the server serves
//
// <variant> is `internal` (every figure) or `public` (counts of 1–4 persons hidden, dashboards/public.ts).
// A new report changes one centre: files whose inputs did not change (a fingerprint per centre, per series
// and per mart, kept in the manifest) are hard-linked from the previous build instead of written again,
// so a publish at national scale rewrites the pages' summaries and the one centre. The site (Framework
// build, dashboards/build.ts) is not touched: the pages fetch these files (components/published-data.ts).
import { existsSync } from "node:fs";
import { copyFile, link, mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { z } from "zod";
import { dataPaths } from "../lib/config.ts";
import { writeMartFiles } from "./data/marts-files.ts";
import { PAGE_CENTRES_SQL, SERIES_SQL } from "./data/series.ts";
import { writeSeriesFiles } from "./data/series-files.ts";
import { CENTRE_LOADERS, LOADERS, MARTS, runQuery, withPublishConnection } from "./data/warehouse.ts";
import { suppressSmallCounts } from "./public.ts";

const DATA_SOURCES = fileURLToPath(new URL("./data/", import.meta.url));

export type DataVariant = "internal" | "public";

/** The pointer the server reads to know which build of the data is current (and the pages, to fetch it). */
export const DataPointer = z.object({
  buildId: z.string().regex(/^[0-9TZ-]+$/),
  public: z.boolean(),
  /** When this data was published (ISO). */
  publishedAt: z.string(),
  /** When the warehouse snapshot it was made from was published (ISO): "Ostatnia aktualizacja". */
  warehousePublishedAt: z.string(),
});
export type DataPointer = z.infer<typeof DataPointer>;

const Manifest = DataPointer.extend({
  snapshot: z.object({ path: z.string(), bytes: z.number() }),
  fingerprints: z.object({
    global: z.string(),
    centres: z.record(z.string(), z.string()),
    series: z.record(z.string(), z.string()),
    marts: z.record(z.string(), z.string()),
  }),
  files: z.object({ written: z.number(), linked: z.number() }),
  seconds: z.number(),
  /** Marts whose files are still the previous build's (replaced by the build right after this one). */
  stale_marts: z.array(z.string()).default([]),
});
type Manifest = z.infer<typeof Manifest>;

/**
 * Centres whose files one batch of queries writes. At national scale (2,477 centres, 3 M figures) a batch
 * holds ~120,000 figures as JS objects; one query per centre made a first publish take tens of minutes.
 */
const CENTRE_BATCH = 100;

export const POINTER_FILE = "current.json";
export const MANIFEST_FILE = "manifest.json";

/** $OBS_DATA_DIR/dashboards/data/<variant>. */
export const variantDir = (variant: DataVariant, root = dataPaths().dashboards) =>
  join(root, "data", variant);

/** The current build of one variant, or null when none was published. */
export async function readPointer(dir: string): Promise<DataPointer | null> {
  try {
    return DataPointer.parse(JSON.parse(await readFile(join(dir, POINTER_FILE), "utf8")));
  } catch {
    return null;
  }
}

async function readManifest(dir: string): Promise<Manifest | null> {
  try {
    return Manifest.parse(JSON.parse(await readFile(join(dir, MANIFEST_FILE), "utf8")));
  } catch {
    return null;
  }
}

/** Whether a process of this machine is still running (a pinned snapshot or half-written build of a dead one is removed). */
export const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * A private copy (public: changed by the suppression) or a hard link (internal) of the published snapshot,
 * so a refresh publishing meanwhile (an atomic rename) does not change what this publish reads.
 */
async function pinSnapshot(isPublic: boolean, log: (line: string) => void): Promise<string> {
  const { published, dashboards } = dataPaths();
  if (!existsSync(published))
    throw new Error(`no published warehouse at ${published}; run \`npm run refresh\` first`);
  await mkdir(dashboards, { recursive: true });
  // a publish killed midway leaves its pinned copy behind: remove those whose process is gone
  for (const f of await readdir(dashboards)) {
    const pid = Number(/^snapshot-(\d+)\.duckdb$/.exec(f)?.[1]);
    if (pid && pid !== process.pid && !isAlive(pid)) await rm(join(dashboards, f), { force: true });
  }
  const pinned = join(dashboards, `snapshot-${process.pid}.duckdb`);
  await rm(pinned, { force: true });
  // A public copy is changed, so it must never share the published file's inode.
  if (isPublic) await copyFile(published, pinned);
  else await link(published, pinned).catch(() => copyFile(published, pinned)); // where hard links are not possible
  if (isPublic) {
    const { figures, threshold } = await suppressSmallCounts(pinned);
    log(`Public data: ${figures} figure(s) of fewer than ${threshold} persons or families suppressed`);
  }
  return pinned;
}

/** Every loader module under dashboards/data (they register in LOADERS / CENTRE_LOADERS when imported). */
async function importLoaders(): Promise<void> {
  const files = (await readdir(DATA_SOURCES, { recursive: true })).filter((f) => /\.json\.ts$/.test(f));
  for (const f of files) await import(pathToFileURL(join(DATA_SOURCES, f)).href);
}

const column = async (c: DuckDBConnection, sql: string, name: string) =>
  (await runQuery(sql, { columns: [name], allowEmpty: true }, c)).rows.map((r) => String(r[name]));

const fingerprintMap = async (c: DuckDBConnection, sql: string) =>
  Object.fromEntries(
    (await runQuery(sql, { columns: ["k", "fp"], allowEmpty: true }, c)).rows.map((r) => [
      String(r.k),
      String(r.fp),
    ]),
  );

/** An order-independent digest of a table's rows (a sum of row hashes: a duplicated row still counts). */
const digest = (from: string, key = "'all'") =>
  `select ${key} as k, coalesce(sum(hash(t)::hugeint), 0)::varchar as fp from ${from} t group by all`;

/**
 * What the files depend on. global: the dimensions (names, order and number of centres, labels) and which
 * metrics which centres report at all (the "not reported here" list of every city page); centres: every
 * per-centre table; series: the figures of each series plus their rates per 10,000 residents; marts: each mart.
 */
async function fingerprints(c: DuckDBConnection): Promise<Manifest["fingerprints"]> {
  const dims = ["dim_centre", "dim_period", "dim_metric", "dim_breakdown"];
  const parts = await Promise.all(dims.map((d) => fingerprintMap(c, digest(`marts.${d}`))));
  const reporting = await fingerprintMap(
    c,
    digest(`(select metric_id, case when count(distinct centre_id) > 1 then '*' else min(centre_id) end as who
      from marts.coverage where has_value group by metric_id)`),
  );
  const global = [...parts, reporting].map((p) => p.all ?? "0").join(":");
  const perCentre = [
    "fct_observation",
    "dim_document",
    "staffing",
    "data_quality",
    "coverage",
    "assistance_reasons",
    "rates",
  ];
  const centres = await fingerprintMap(
    c,
    `select k, sum(fp::hugeint)::varchar as fp from (${perCentre
      .map((table) => digest(`marts.${table}`, "centre_id"))
      .join(" union all ")}) where k is not null group by k`,
  );
  // a series file carries each figure's rate per 10,000 residents (marts.rates): new reference data
  // (a population) changes the file as a new figure does
  const seriesKey = "period_kind || '/' || metric_id || coalesce('--' || breakdown, '')";
  const seriesFp = await fingerprintMap(c, digest("marts.fct_observation", seriesKey));
  const ratesFp = await fingerprintMap(c, digest("marts.rates", seriesKey));
  const series = Object.fromEntries(
    Object.entries(seriesFp).map(([k, fp]) => [
      k,
      `${fp}:${ratesFp[k] ?? "0"}:${parts[0]?.all}:${parts[1]?.all}`,
    ]),
  );
  const marts: Record<string, string> = {};
  for (const mart of MARTS) marts[mart] = (await fingerprintMap(c, digest(`marts.${mart}`))).all ?? "0";
  return { global, centres, series, marts };
}

export interface PublishDataOptions {
  log?: (line: string) => void;
  /** Publish the public variant (small counts hidden); default: OBS_PUBLIC_DASHBOARDS. */
  public?: boolean;
  /**
   * Make the pages current before the changed marts' files are written (default true); false writes
   * everything into one build (tests that read the marts).
   */
  deferMarts?: boolean;
}

export interface PublishDataResult {
  /** The build that made the pages current. */
  buildId: string;
  dir: string;
  seconds: number;
  written: number;
  linked: number;
  /** The build right after it with the changed marts' files, when any changed (see writeStaleMarts). */
  martsBuildId?: string;
  martsSeconds?: number;
}

export const publicByDefault = () => /^(1|true|yes)$/i.test(process.env.OBS_PUBLIC_DASHBOARDS ?? "");

let queue: Promise<unknown> = Promise.resolve();

/** Publish the dashboards' data from the published snapshot; calls in one process run one after another. */
export function publishDashboardData(opts: PublishDataOptions = {}): Promise<PublishDataResult> {
  const run = queue.then(() => publishOnce(opts));
  queue = run.catch(() => {});
  return run;
}

/** A build id that sorts by time and names its process: 20261203T142501123Z-4711. */
const newBuildId = () => `${new Date().toISOString().replace(/[-:.]/g, "")}-${process.pid}`;

async function publishOnce(opts: PublishDataOptions): Promise<PublishDataResult> {
  const log = opts.log ?? (() => {});
  const started = performance.now();
  const isPublic = opts.public ?? publicByDefault();
  const base = variantDir(isPublic ? "public" : "internal");
  await mkdir(base, { recursive: true });
  const warehouseStat = await stat(dataPaths().published).catch(() => null);
  const pinned = await pinSnapshot(isPublic, log);
  const buildId = newBuildId();
  const next = join(base, `.next-${buildId}`);
  const final = join(base, buildId);
  const previousPointer = await readPointer(base);
  const previousDir = previousPointer ? join(base, previousPointer.buildId) : null;
  const previous = previousDir ? await readManifest(previousDir) : null;
  let written = 0;
  let linked = 0;
  const staleMarts: string[] = [];
  const write = async (name: string, data: string | Uint8Array) => {
    const path = join(next, name);
    if (relative(next, path).startsWith("..")) throw new Error(`a data file outside the build: ${name}`);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, data);
    written++;
  };
  /** A file written by its own writer (the marts, streamed): its path in the build, counted. */
  const pathOf = async (name: string) => {
    const path = join(next, name);
    if (relative(next, path).startsWith("..")) throw new Error(`a data file outside the build: ${name}`);
    await mkdir(dirname(path), { recursive: true });
    // a new file, never the previous build's inode (a hard link of a partly reused mart)
    await rm(path, { force: true });
    written++;
    return path;
  };
  /** The previous build's file when its fingerprint is unchanged; false when it must be written. */
  const reuse = async (name: string, same: boolean) => {
    if (!same || !previousDir) return false;
    const from = join(previousDir, name);
    const to = join(next, name);
    await mkdir(dirname(to), { recursive: true });
    const ok = await link(from, to)
      .catch(() => copyFile(from, to))
      .then(() => true)
      .catch(() => false);
    if (ok) linked++;
    return ok;
  };
  const instance = await DuckDBInstance.create(pinned, {
    access_mode: "READ_ONLY",
    autoinstall_known_extensions: "false",
    autoload_known_extensions: "false",
  });
  const c = await instance.connect();
  try {
    await rm(next, { recursive: true, force: true });
    await mkdir(next, { recursive: true });
    await importLoaders();
    const fp = await fingerprints(c);
    const sameGlobal = previous?.fingerprints.global === fp.global;
    await withPublishConnection(c, async () => {
      // the pages' own files: small summaries over every centre, always written
      for (const [name, main] of LOADERS) {
        try {
          await write(name, await main());
        } catch (e) {
          throw new Error(`data file ${name}: ${(e as Error).message}`);
        }
      }
      const centres = await column(
        c,
        "select centre_id from marts.dim_centre order by centre_id",
        "centre_id",
      );
      const pageCentres = new Set(await column(c, PAGE_CENTRES_SQL, "centre_id"));
      for (const [dir, main] of CENTRE_LOADERS) {
        // reasons: the centres Rodziny charts; quality: also "_", the findings tied to no centre
        const ids = dir === "reasons" ? centres.filter((id) => pageCentres.has(id)) : centres;
        const toWrite: string[] = [];
        for (const id of dir === "quality" ? [...ids, "_"] : ids) {
          const same = sameGlobal && id !== "_" && previous?.fingerprints.centres[id] === fp.centres[id];
          if (!(await reuse(`${dir}/${id}.json`, same))) toWrite.push(id);
        }
        // the changed centres in batches: one query per table for a batch, its rows held in memory
        for (let i = 0; i < toWrite.length; i += CENTRE_BATCH) {
          const batch = toWrite.slice(i, i + CENTRE_BATCH);
          let files: Map<string, string | Uint8Array>;
          try {
            files = await main(c, batch);
          } catch (e) {
            throw new Error(`data files ${dir}/{${batch.slice(0, 3).join(",")}…}: ${(e as Error).message}`);
          }
          for (const id of batch) {
            const file = files.get(id);
            if (file === undefined) throw new Error(`data file ${dir}/${id}.json: the loader gave none`);
            await write(`${dir}/${id}.json`, file);
          }
        }
      }
      // Porównanie miast: one file per series and kind of period, rewritten only when its figures changed
      const series = await runQuery(SERIES_SQL, { columns: ["slug", "kinds"] }, c);
      const changed = new Set<string>();
      for (const s of series.rows)
        for (const kind of s.kinds as string[]) {
          const key = `${kind}/${s.slug}`;
          const same = sameGlobal && previous?.fingerprints.series[key] === fp.series[key];
          if (!(await reuse(`series/${key}.json`, same))) changed.add(key);
        }
      if (changed.size > 0) await writeSeriesFiles(c, write, changed);
      // The marts for download and the SQL page. A changed mart (fct_observation after any report: 3 M rows
      // at national scale, minutes to write) must not hold the pages back: this build keeps the previous
      // build's files of it (listed in the manifest as `stale_marts`), and a second build right after
      // this one is current replaces them (writeStaleMarts).
      for (const mart of MARTS) {
        const same = previous?.fingerprints.marts[mart] === fp.marts[mart];
        let all = true;
        for (const ext of ["csv", "arrow", "parquet"])
          all = (await reuse(`marts/${mart}.${ext}`, same || opts.deferMarts !== false)) && all;
        if (!all) await writeMartFiles(c, pathOf, new Set([mart]));
        else if (!same) staleMarts.push(mart);
      }
    });
    const now = new Date();
    const pointer: DataPointer = {
      buildId,
      public: isPublic,
      publishedAt: now.toISOString(),
      warehousePublishedAt: (warehouseStat?.mtime ?? now).toISOString(),
    };
    const seconds = (performance.now() - started) / 1000;
    const manifest: Manifest = {
      ...pointer,
      snapshot: { path: dataPaths().published, bytes: warehouseStat?.size ?? 0 },
      fingerprints: fp,
      files: { written, linked },
      seconds,
      stale_marts: staleMarts,
    };
    await writeFile(join(next, MANIFEST_FILE), `${JSON.stringify(manifest)}\n`);
    await rename(next, final);
    // the switch: readers see the old build or the new one, never a half-written one
    const tmp = join(base, `.${POINTER_FILE}-${process.pid}`);
    await writeFile(tmp, `${JSON.stringify(pointer)}\n`);
    await rename(tmp, join(base, POINTER_FILE));
    await removeOldBuilds(base, [buildId, previousPointer?.buildId]);
    log(
      `Dashboards data ${buildId} (${isPublic ? "public" : "internal"}) published in ${seconds.toFixed(1)} s: ${written} file(s) written, ${linked} unchanged linked${staleMarts.length ? `; marts ${staleMarts.join(", ")} follow` : ""} → ${final}`,
    );
    const result = { buildId, dir: final, seconds, written, linked };
    if (staleMarts.length === 0) return result;
    const marts = await writeStaleMarts(c, base, final, manifest, log);
    return { ...result, martsBuildId: marts.buildId, martsSeconds: marts.seconds };
  } finally {
    c.closeSync();
    instance.closeSync();
    await rm(pinned, { force: true });
    await rm(next, { recursive: true, force: true });
  }
}

/**
 * The second build of a publish: every file of `from` (hard links) with the marts listed as stale written
 * anew from the same pinned snapshot, then made current. The pages' files are the same inodes, so a page
 * open on `from` reads the same data from either.
 */
async function writeStaleMarts(
  c: DuckDBConnection,
  base: string,
  from: string,
  manifest: Manifest,
  log: (line: string) => void,
): Promise<{ buildId: string; seconds: number }> {
  const started = performance.now();
  const buildId = newBuildId();
  const next = join(base, `.next-${buildId}`);
  const final = join(base, buildId);
  const stale = new Set(manifest.stale_marts);
  try {
    for (const f of await readdir(from, { recursive: true })) {
      const source = join(from, f);
      if (f === MANIFEST_FILE || !(await stat(source)).isFile()) continue;
      if (stale.has(/^marts\/([^/.]+)\./.exec(f.split("\\").join("/"))?.[1] ?? "")) continue;
      await mkdir(dirname(join(next, f)), { recursive: true });
      await link(source, join(next, f)).catch(() => copyFile(source, join(next, f)));
    }
    await writeMartFiles(
      c,
      async (name) => {
        await mkdir(dirname(join(next, name)), { recursive: true });
        return join(next, name);
      },
      stale,
    );
    const pointer: DataPointer = {
      buildId,
      public: manifest.public,
      publishedAt: new Date().toISOString(),
      warehousePublishedAt: manifest.warehousePublishedAt,
    };
    const seconds = (performance.now() - started) / 1000;
    await writeFile(
      join(next, MANIFEST_FILE),
      `${JSON.stringify({ ...manifest, ...pointer, stale_marts: [], seconds: manifest.seconds + seconds })}\n`,
    );
    await rename(next, final);
    const tmp = join(base, `.${POINTER_FILE}-${process.pid}`);
    await writeFile(tmp, `${JSON.stringify(pointer)}\n`);
    await rename(tmp, join(base, POINTER_FILE));
    await removeOldBuilds(base, [buildId, manifest.buildId]);
    log(`Dashboards data ${buildId}: marts ${[...stale].join(", ")} written in ${seconds.toFixed(1)} s`);
    return { buildId, seconds };
  } finally {
    await rm(next, { recursive: true, force: true });
  }
}

/**
 * Keep the current build and the one before it (a page opened just before the switch still fetches from
 * it); remove older ones and unfinished ones whose process is gone.
 */
async function removeOldBuilds(base: string, keep: (string | undefined)[]): Promise<void> {
  for (const entry of await readdir(base)) {
    if (entry === POINTER_FILE || keep.includes(entry)) continue;
    const unfinished = /^\.(?:next-.*-|current\.json-)(\d+)$/.exec(entry);
    if (unfinished) {
      if (!isAlive(Number(unfinished[1]))) await rm(join(base, entry), { recursive: true, force: true });
      continue;
    }
    if (/^[0-9TZ]+-\d+$/.test(entry)) await rm(join(base, entry), { recursive: true, force: true });
  }
}

const usage = `Usage: node --import tsx dashboards/publish-data.ts [--public] [--json]

Publish the dashboards' data from $OBS_DATA_DIR/warehouse/published.duckdb into
$OBS_DATA_DIR/dashboards/data/<internal|public>/<build-id>/ and make it current (current.json).
\`npm run build\` and the service run this in a process of its own, so that writing the files (JSON and
the marts, CPU-bound) never stalls the web server of the service.

Options:
  --public   the public data (counts of 1–4 persons or families hidden); default: OBS_PUBLIC_DASHBOARDS
  --json     the result as one JSON line on stdout
  -h, --help show this help`;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { runCommand, progress } = await import("../cli/command.ts");
  await runCommand(
    {
      usage,
      options: {
        public: { type: "boolean" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    },
    async ({ values }) => {
      const result = await publishDashboardData({ log: progress, public: values.public || undefined });
      if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
      return 0;
    },
  );
}
