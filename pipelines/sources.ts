/**
 * The centres' report sources (data, not code: pipelines/report-sources.json, or the file named by
 * OBS_REPORT_SOURCES) and the collection from them into the inbox.
 *
 * A source is a folder, an http(s) address of one report, or an http(s) page listing reports (a BIP
 * page linking its PDFs). Collection is polite: conditional GET (If-None-Match / If-Modified-Since
 * from what the last round saw), a timeout per request, retries with exponential backoff on network
 * errors, 429 and 5xx, and a minimum interval between two requests to the same host.
 */
import { createHash } from "node:crypto";
import { readdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { basename, extname, join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { MAX_DOCUMENT_BYTES } from "../sources/lib/read-document.ts";
import { safeFileName } from "../warehouse/quarantine.ts";
import type { SourceItemTable } from "./db.ts";

export const DEFAULT_SOURCES_FILE = fileURLToPath(new URL("./report-sources.json", import.meta.url));

export const ReportSource = z.object({
  /** Stable id, used in the run log: e.g. "katowice-bip". */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  centre_id: z.string().regex(/^[a-z][a-z-]*$/),
  /** folder: a directory; file: the address of one report; listing: a page whose links lead to reports. */
  type: z.enum(["folder", "file", "listing"]),
  /** A directory (relative to the config file) or an http(s) URL. */
  location: z.string().min(1),
  /** Which file names or links are reports (case-insensitive regular expression). */
  match: z.string().default("\\.(pdf|txt)([?#]|$)"),
  /** The collection rounds that visit it; by default both. */
  rounds: z.array(z.enum(["half_year", "year"])).default(["half_year", "year"]),
  /** Politeness and patience, per request. */
  min_interval_ms: z.number().int().min(0).default(2000),
  timeout_ms: z.number().int().positive().default(30_000),
  retries: z.number().int().min(0).max(10).default(3),
  backoff_ms: z.number().int().min(0).default(1000),
  /** Listing pages link many things; at most this many reports are fetched from one. */
  max_links: z.number().int().positive().default(100),
});
export type ReportSource = z.infer<typeof ReportSource>;

export const ReportSources = z.object({
  $comment: z.unknown().optional(),
  /** Sent with every request, so a municipality can tell who asks. */
  user_agent: z.string().default("Obserwatorium/0.1 (report collection for MOPS analytics)"),
  sources: z.array(ReportSource),
});
export type ReportSources = z.infer<typeof ReportSources>;

export function sourcesFile(): string {
  return resolve(process.env.OBS_REPORT_SOURCES || DEFAULT_SOURCES_FILE);
}

export async function readSources(file = sourcesFile()): Promise<ReportSources> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, "utf8"));
  } catch (e) {
    throw new Error(`cannot read the report sources ${file}: ${(e as Error).message}`);
  }
  const parsed = ReportSources.safeParse(raw);
  if (!parsed.success) throw new Error(`${file}: ${z.prettifyError(parsed.error)}`);
  const ids = parsed.data.sources.map((s) => s.id);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice) throw new Error(`${file}: source id ${twice} is used twice`);
  for (const s of parsed.data.sources) {
    if (s.type !== "folder" && !/^https?:\/\//.test(s.location)) {
      throw new Error(`${file}: source ${s.id} of type ${s.type} needs an http(s) address`);
    }
    if (s.type === "folder") s.location = resolve(file, "..", s.location);
  }
  return parsed.data;
}

/** What the last round saw at an address (obs.source_items). */
export type SeenItem = Pick<SourceItemTable, "url" | "etag" | "last_modified" | "sha256">;

/** What this round saw; `bytes` only when something new is to go into the inbox. */
export interface CollectedItem {
  url: string;
  status: SourceItemTable["status"];
  httpStatus: number | null;
  etag: string | null;
  lastModified: string | null;
  sha256: string | null;
  fileName: string | null;
  bytes?: Uint8Array;
  error: string | null;
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** Per host, when the next request may start: polite across sources of one process. */
const nextSlot = new Map<string, number>();

async function politeTurn(url: string, minIntervalMs: number, signal?: AbortSignal) {
  const host = new URL(url).host;
  const now = Date.now();
  const at = Math.max(now, nextSlot.get(host) ?? 0);
  nextSlot.set(host, at + minIntervalMs);
  if (at > now) await sleep(at - now, undefined, { signal });
}

/** A GET with timeout, retries with backoff (Retry-After honoured) and the polite interval. */
export async function politeGet(
  url: string,
  source: Pick<ReportSource, "min_interval_ms" | "timeout_ms" | "retries" | "backoff_ms">,
  headers: Record<string, string>,
  signal?: AbortSignal,
): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    await politeTurn(url, source.min_interval_ms, signal);
    const timeout = AbortSignal.timeout(source.timeout_ms);
    let retryAfterMs: number | null = null;
    try {
      const res = await fetch(url, {
        headers,
        redirect: "follow",
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      if ((res.status !== 429 && res.status < 500) || attempt >= source.retries) return res;
      const retryAfter = Number(res.headers.get("retry-after"));
      if (Number.isFinite(retryAfter) && retryAfter > 0) retryAfterMs = Math.min(retryAfter * 1000, 60_000);
      await res.body?.cancel();
    } catch (e) {
      if (signal?.aborted) throw e;
      if (attempt >= source.retries) {
        throw new Error(
          `GET ${url}: ${timeout.aborted ? `no answer within ${source.timeout_ms} ms` : (e as Error).message}`,
        );
      }
    }
    await sleep(retryAfterMs ?? source.backoff_ms * 2 ** attempt, undefined, { signal });
  }
}

async function readBody(res: Response, url: string): Promise<Uint8Array> {
  const declared = Number(res.headers.get("content-length"));
  if (declared > MAX_DOCUMENT_BYTES) throw new Error(`${url} is ${declared} bytes, larger than any report`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (bytes.length > MAX_DOCUMENT_BYTES) throw new Error(`${url} is larger than any report`);
  return bytes;
}

/** A file name for a downloaded report: Content-Disposition, else the last path segment, else a hash. */
function fileNameFor(url: string, res: Response, bytes: Uint8Array): string {
  const disposition = res.headers.get("content-disposition") ?? "";
  const fromHeader = /filename\*=UTF-8''([^;]+)|filename="?([^";]+)"?/i.exec(disposition);
  let name = fromHeader ? decodeURIComponent(fromHeader[1] ?? fromHeader[2] ?? "") : "";
  if (!name) name = decodeURIComponent(basename(new URL(url).pathname));
  if (!extname(name)) {
    const type = res.headers.get("content-type") ?? "";
    name = `${name || sha256(bytes).slice(0, 12)}${type.includes("pdf") ? ".pdf" : ".txt"}`;
  }
  return safeFileName(name);
}

/** Conditional GET of one report address against what the last round saw. */
async function collectUrl(
  url: string,
  source: ReportSource,
  seen: SeenItem | undefined,
  userAgent: string,
  signal?: AbortSignal,
): Promise<CollectedItem> {
  const headers: Record<string, string> = { "user-agent": userAgent };
  if (seen?.etag) headers["if-none-match"] = seen.etag;
  if (seen?.last_modified) headers["if-modified-since"] = seen.last_modified;
  const base = { url, etag: seen?.etag ?? null, lastModified: seen?.last_modified ?? null };
  try {
    const res = await politeGet(url, source, headers, signal);
    if (res.status === 304) {
      return {
        ...base,
        status: "not_modified",
        httpStatus: 304,
        sha256: seen?.sha256 ?? null,
        fileName: null,
        error: null,
      };
    }
    if (!res.ok) {
      await res.body?.cancel();
      return {
        ...base,
        status: "error",
        httpStatus: res.status,
        sha256: null,
        fileName: null,
        error: `HTTP ${res.status}`,
      };
    }
    const bytes = await readBody(res, url);
    const hash = sha256(bytes);
    const item = {
      url,
      httpStatus: res.status,
      etag: res.headers.get("etag"),
      lastModified: res.headers.get("last-modified"),
      sha256: hash,
      error: null,
    };
    if (hash === seen?.sha256) return { ...item, status: "unchanged", fileName: null };
    return { ...item, status: "new", fileName: fileNameFor(url, res, bytes), bytes };
  } catch (e) {
    if (signal?.aborted) throw e;
    return {
      ...base,
      status: "error",
      httpStatus: null,
      sha256: null,
      fileName: null,
      error: (e as Error).message,
    };
  }
}

/** The report links of a listing page, absolute, deduplicated, in page order. */
export function reportLinks(html: string, pageUrl: string, match: string, max: number): string[] {
  const re = new RegExp(match, "i");
  const out: string[] = [];
  for (const m of html.matchAll(/<a\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi)) {
    const href = (m[1] ?? m[2] ?? m[3] ?? "").replaceAll("&amp;", "&").trim();
    let url: URL;
    try {
      url = new URL(href, pageUrl);
    } catch {
      continue;
    }
    url.hash = "";
    if (!/^https?:$/.test(url.protocol) || !re.test(url.pathname + url.search)) continue;
    if (!out.includes(url.toString())) out.push(url.toString());
    if (out.length >= max) break;
  }
  return out;
}

async function collectFolder(source: ReportSource, seen: Map<string, SeenItem>): Promise<CollectedItem[]> {
  const re = new RegExp(source.match, "i");
  const names = await readdir(source.location).catch((e: NodeJS.ErrnoException) => {
    throw new Error(
      `source ${source.id}: cannot read the folder ${source.location} (${e.code ?? e.message})`,
    );
  });
  const out: CollectedItem[] = [];
  for (const name of names.filter((n) => re.test(n) && !n.startsWith(".")).sort()) {
    const path = join(source.location, name);
    const s = await stat(path).catch(() => null);
    if (!s?.isFile()) continue;
    // A folder has no ETag: size and modification time stand in for one.
    const etag = `${s.size}-${Math.floor(s.mtimeMs)}`;
    const before = seen.get(path);
    if (before?.etag === etag) {
      out.push({
        url: path,
        status: "not_modified",
        httpStatus: null,
        etag,
        lastModified: null,
        sha256: before.sha256,
        fileName: null,
        error: null,
      });
      continue;
    }
    const bytes = new Uint8Array(await readFile(path));
    const hash = sha256(bytes);
    const item = {
      url: path,
      httpStatus: null,
      etag,
      lastModified: s.mtime.toUTCString(),
      sha256: hash,
      error: null,
    };
    out.push(
      hash === before?.sha256
        ? { ...item, status: "unchanged", fileName: null }
        : { ...item, status: "new", fileName: safeFileName(name), bytes },
    );
  }
  return out;
}

/** Visit one source and say what is at each of its addresses; new reports carry their bytes. */
export async function collectSource(
  source: ReportSource,
  seenItems: SeenItem[],
  userAgent: string,
  signal?: AbortSignal,
): Promise<CollectedItem[]> {
  const seen = new Map(seenItems.map((s) => [s.url, s]));
  if (source.type === "folder") return collectFolder(source, seen);
  if (source.type === "file")
    return [await collectUrl(source.location, source, seen.get(source.location), userAgent, signal)];

  const page = await collectUrl(source.location, source, seen.get(source.location), userAgent, signal);
  let links: string[];
  if (page.status === "new" && page.bytes) {
    links = reportLinks(
      new TextDecoder().decode(page.bytes),
      source.location,
      source.match,
      source.max_links,
    );
    // The listing page itself is not a report: keep what was seen, never its bytes.
    page.bytes = undefined;
    page.fileName = null;
  } else {
    // Unchanged listing: its links are the ones seen before; check those again (conditionally).
    links = [...seen.keys()].filter((u) => u !== source.location);
  }
  const items: CollectedItem[] = [page];
  for (const link of links) items.push(await collectUrl(link, source, seen.get(link), userAgent, signal));
  return items;
}

/** Drop a collected report into the inbox atomically (discovery ignores dot files). */
export async function dropIntoInbox(inbox: string, fileName: string, bytes: Uint8Array): Promise<string> {
  let target = join(inbox, fileName);
  if (await stat(target).catch(() => null)) {
    const ext = extname(fileName);
    target = join(inbox, `${basename(fileName, ext)}-${sha256(bytes).slice(0, 8)}${ext}`);
  }
  const part = join(inbox, `.${basename(target)}.part`);
  await writeFile(part, bytes);
  await rename(part, target);
  return target;
}
