/**
 * HTTP for the BDL API: a rate limiter within the published limits, retries with back-off on 429 and 5xx
 * (honouring Retry-After), a timeout per request, and a disk cache of every good response keyed by its
 * address ($OBS_DATA_DIR/reference/cache/). It returns JSON as `unknown`: the caller parses it (responses.ts).
 * The key (X-ClientId) is never part of a cache key, a log line or a stored address.
 */
import { createHash } from "node:crypto";
import { mkdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { atomicWrite } from "./files.ts";

export const DEFAULT_BASE_URL = "https://bdl.stat.gov.pl/api/v1";

/** A fetch that failed for good: what happened, in Polish and English, for the command and the log. */
export class BdlFetchFailed extends Error {
  constructor(
    readonly kind: "limit" | "server" | "timeout" | "network" | "malformed" | "units changed" | "not found",
    message: string,
  ) {
    super(message);
    this.name = "BdlFetchFailed";
  }
}

/** A failure worth another attempt (429, 5xx, timeout, network), with the wait BDL asked for (Retry-After). */
class Retryable extends Error {
  constructor(
    readonly failure: BdlFetchFailed,
    readonly waitMs: number | null,
  ) {
    super(failure.message);
  }
}

/** The published limits (requests per window), anonymous and with a key. */
export const LIMITS = {
  anonymous: [
    { ms: 1000, max: 5 },
    { ms: 15 * 60_000, max: 100 },
    { ms: 12 * 3600_000, max: 1000 },
    { ms: 7 * 24 * 3600_000, max: 10_000 },
  ],
  key: [
    { ms: 1000, max: 10 },
    { ms: 15 * 60_000, max: 500 },
    { ms: 12 * 3600_000, max: 5000 },
    { ms: 7 * 24 * 3600_000, max: 50_000 },
  ],
} as const;

export interface ClientOptions {
  /** Where the reference data lives ($OBS_DATA_DIR/reference): cache/ and requests.json under it. */
  dir: string;
  baseUrl?: string;
  clientId?: string;
  /** Per request, ms (OBS_BDL_TIMEOUT_MS, default 30 s). */
  timeoutMs?: number;
  /** Attempts after the first for 429, 5xx, timeouts and network errors (default 4). */
  retries?: number;
  /** First back-off, doubled each attempt (OBS_BDL_BACKOFF_MS, default 2 s). */
  backoffMs?: number;
  /** The longest wait the client accepts (Retry-After or a limit window); longer: it gives up and says when. */
  maxWaitMs?: number;
  /** Reuse a cached response younger than this (default: always reuse). */
  maxAgeMs?: number;
  log?: (line: string) => void;
  now?: () => number;
}

export interface Response {
  url: string;
  body: unknown;
  /** When BDL answered (the cached answer's time when it came from the cache). */
  retrievedAt: string;
  fromCache: boolean;
}

const CacheEntry = z.object({ url: z.string(), retrievedAt: z.string(), body: z.string() });

const envNumber = (name: string) => {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number of milliseconds`);
  return n;
};

/** The client's settings from the environment: OBS_BDL_BASE_URL, OBS_BDL_CLIENT_ID, OBS_BDL_TIMEOUT_MS, OBS_BDL_BACKOFF_MS. */
export function clientOptionsFromEnv(dir: string): ClientOptions {
  return {
    dir,
    baseUrl: process.env.OBS_BDL_BASE_URL || DEFAULT_BASE_URL,
    clientId: process.env.OBS_BDL_CLIENT_ID || undefined,
    timeoutMs: envNumber("OBS_BDL_TIMEOUT_MS"),
    backoffMs: envNumber("OBS_BDL_BACKOFF_MS"),
  };
}

const WINDOW_MARGIN_MS = 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const RequestLog = z.array(z.number());

/** Seconds of a Retry-After header (seconds or an HTTP date); null when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number): number | null {
  if (!header) return null;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

export class BdlClient {
  readonly baseUrl: string;
  private readonly opts: Required<Omit<ClientOptions, "clientId" | "baseUrl" | "maxAgeMs" | "log" | "now">> &
    ClientOptions;
  private requests: number[] | null = null;
  /** Network requests made (not cache hits), for the summary. */
  requestCount = 0;
  cacheHits = 0;

  constructor(options: ClientOptions) {
    this.baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, "");
    // An option given as undefined (not set in the environment) keeps its default.
    const given = Object.fromEntries(
      Object.entries(options).filter(([, v]) => v !== undefined),
    ) as ClientOptions;
    this.opts = { timeoutMs: 30_000, retries: 4, backoffMs: 2000, maxWaitMs: 120_000, ...given };
  }

  private now = () => (this.opts.now ?? Date.now)();
  private log = (line: string) => this.opts.log?.(line);
  private get cacheDir() {
    return join(this.opts.dir, "cache");
  }
  private get requestsFile() {
    return join(this.opts.dir, "requests.json");
  }

  /** The address of a path and query (page-size, format=json added by the caller's query). */
  url(path: string, query: Record<string, string | number | readonly (string | number)[]> = {}): string {
    const u = new URL(`${this.baseUrl}/${path.replace(/^\/+/, "")}`);
    for (const [k, v] of Object.entries(query))
      for (const one of Array.isArray(v) ? v : [v]) u.searchParams.append(k, String(one));
    if (!u.searchParams.has("format")) u.searchParams.set("format", "json");
    return u.toString();
  }

  cacheFile(url: string): string {
    return join(this.cacheDir, `${createHash("sha256").update(url).digest("hex").slice(0, 32)}.json`);
  }

  /** Drop a cached answer (its content did not parse: it must not be served again). */
  async forget(url: string): Promise<void> {
    await rm(this.cacheFile(url), { force: true });
  }

  /** GET a JSON document: from the cache when it holds a young enough answer, else from BDL within the limits. */
  async get(url: string): Promise<Response> {
    const cached = await this.fromCache(url);
    if (cached) {
      this.cacheHits++;
      return cached;
    }
    const text = await this.fetchWithRetries(url);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new BdlFetchFailed(
        "malformed",
        `BDL odpowiedział tekstem, który nie jest poprawnym JSON-em (${this.shown(url)}) — malformed JSON from BDL`,
      );
    }
    const retrievedAt = new Date(this.now()).toISOString();
    await mkdir(this.cacheDir, { recursive: true });
    await atomicWrite(this.cacheFile(url), JSON.stringify({ url, retrievedAt, body: text }));
    return { url, body, retrievedAt, fromCache: false };
  }

  private async fromCache(url: string): Promise<Response | null> {
    const raw = await readFile(this.cacheFile(url), "utf8").catch(() => null);
    if (raw === null) return null;
    try {
      const entry = CacheEntry.parse(JSON.parse(raw));
      if (entry.url !== url) return null;
      const age = this.now() - Date.parse(entry.retrievedAt);
      if (this.opts.maxAgeMs !== undefined && age > this.opts.maxAgeMs) return null;
      return { url, body: JSON.parse(entry.body), retrievedAt: entry.retrievedAt, fromCache: true };
    } catch {
      await this.forget(url);
      return null;
    }
  }

  /** The address as shown to a person: the base address left out. */
  private shown(url: string) {
    return url.startsWith(this.baseUrl) ? url.slice(this.baseUrl.length) : url;
  }

  private async fetchWithRetries(url: string): Promise<string> {
    const attempts = this.opts.retries + 1;
    let last: BdlFetchFailed | null = null;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      await this.takeSlot();
      let wait = this.opts.backoffMs * 2 ** (attempt - 1);
      try {
        return await this.once(url);
      } catch (e) {
        if (!(e instanceof Retryable)) throw e;
        last = e.failure;
        if (e.waitMs !== null) wait = Math.max(wait, e.waitMs);
      } finally {
        await this.slotDone();
      }
      if (attempt < attempts) {
        this.log(
          `  ${last.message}; ponawiam za ${(wait / 1000).toFixed(1)} s (próba ${attempt + 1} z ${attempts})`,
        );
        await sleep(wait);
      }
    }
    throw new BdlFetchFailed(
      last?.kind ?? "network",
      `${last?.message ?? "?"}; po ${attempts} próbach — gave up after ${attempts} attempts`,
    );
  }

  /** One request: its text, or Retryable (429, 5xx, timeout, network), or BdlFetchFailed for good. */
  private async once(url: string): Promise<string> {
    let r: globalThis.Response;
    try {
      r = await fetch(url, {
        headers: {
          Accept: "application/json",
          ...(this.opts.clientId ? { "X-ClientId": this.opts.clientId } : {}),
        },
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
      if (r.ok) return await r.text();
    } catch (e) {
      throw new Retryable(this.networkFailure(url, e), null);
    }
    await r.body?.cancel().catch(() => {});
    if (r.status === 429 || r.status >= 500) {
      const after = retryAfterMs(r.headers.get("retry-after"), this.now());
      const failure =
        r.status === 429
          ? new BdlFetchFailed(
              "limit",
              `BDL odmówił: przekroczono limit zapytań (HTTP 429) przy ${this.shown(url)} — rate limit hit`,
            )
          : new BdlFetchFailed(
              "server",
              `BDL nie odpowiedział poprawnie (HTTP ${r.status}) przy ${this.shown(url)} — server error`,
            );
      if (after !== null && after > this.opts.maxWaitMs)
        throw new BdlFetchFailed(
          failure.kind,
          `${failure.message}; BDL prosi o ponowienie za ${Math.ceil(after / 1000)} s (Retry-After) — try again later`,
        );
      throw new Retryable(failure, after);
    }
    if (r.status === 404)
      throw new BdlFetchFailed("not found", `BDL nie zna adresu ${this.shown(url)} (HTTP 404) — not found`);
    throw new BdlFetchFailed(
      "server",
      `BDL odrzucił zapytanie ${this.shown(url)} (HTTP ${r.status}) — request refused`,
    );
  }

  private networkFailure(url: string, e: unknown): BdlFetchFailed {
    const err = e as Error;
    if (err?.name === "TimeoutError" || err?.name === "AbortError")
      return new BdlFetchFailed(
        "timeout",
        `BDL nie odpowiedział w ciągu ${Math.round(this.opts.timeoutMs / 1000)} s (${this.shown(url)}) — timeout`,
      );
    const cause = (err as { cause?: { code?: string } })?.cause?.code ?? err?.message ?? String(e);
    return new BdlFetchFailed(
      "network",
      `brak połączenia z BDL (${cause}) przy ${this.shown(url)} — network error`,
    );
  }

  /**
   * Wait for a slot within every window of the limits (anonymous or with a key). The request times are
   * kept in requests.json, so two runs in a row share the 15-minute and longer windows. A wait longer
   * than maxWaitMs is not waited: the fetch stops and says when it can go on.
   */
  private async takeSlot(): Promise<void> {
    if (this.requests === null) {
      const raw = await readFile(this.requestsFile, "utf8").catch(() => "[]");
      const parsed = RequestLog.safeParse(JSON.parse(raw));
      this.requests = parsed.success ? parsed.data : [];
    }
    const windows = this.opts.clientId ? LIMITS.key : LIMITS.anonymous;
    for (;;) {
      const now = this.now();
      const week = windows[windows.length - 1]?.ms ?? 0;
      this.requests = this.requests.filter((t) => t > now - week);
      let wait = 0;
      for (const w of windows) {
        // A margin: BDL counts requests as they arrive, a little after they leave.
        const inside = this.requests.filter((t) => t > now - w.ms - WINDOW_MARGIN_MS);
        if (inside.length >= w.max)
          wait = Math.max(wait, (inside[inside.length - w.max] ?? now) + w.ms + WINDOW_MARGIN_MS - now + 1);
      }
      if (wait === 0) break;
      if (wait > this.opts.maxWaitMs) {
        const at = new Date(now + wait).toISOString().slice(0, 16).replace("T", " ");
        throw new BdlFetchFailed(
          "limit",
          `wyczerpany limit zapytań do BDL; można kontynuować po ${at} UTC (dane z pamięci podręcznej zostaną użyte ponownie) — ` +
            `the BDL request limit is used up until ${at} UTC`,
        );
      }
      await sleep(wait);
    }
    this.requests.push(this.now());
    this.requestCount++;
  }

  /**
   * A request is counted from when its answer came (or it failed), not from when it left: BDL counts it
   * when it arrives, which is after it left and before the answer, so a window counted from the answer
   * is never shorter than BDL's, however late a request arrives.
   */
  private async slotDone(): Promise<void> {
    if (!this.requests?.length) return;
    this.requests[this.requests.length - 1] = this.now();
    await mkdir(this.opts.dir, { recursive: true });
    await atomicWrite(this.requestsFile, JSON.stringify(this.requests));
  }

  /** Requests made in the last 15 minutes (this and earlier runs), for `status`. */
  static async recentRequests(dir: string, now = Date.now()): Promise<number> {
    const raw = await readFile(join(dir, "requests.json"), "utf8").catch(() => "[]");
    const parsed = RequestLog.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data.filter((t) => t > now - 15 * 60_000).length : 0;
  }
}

/**
 * Every page of a list: follows `links.next` until there is none (page-size at most 100), parsing each
 * page with `schema`. A page that does not parse is dropped from the cache and the fetch fails.
 */
export async function getAllPages<
  T extends { totalRecords: number; results: unknown[]; links?: { next?: string } },
>(
  client: BdlClient,
  firstUrl: string,
  schema: z.ZodType<T>,
  maxPages = 200,
): Promise<{ pages: T[]; urls: string[]; retrievedAt: string }> {
  const pages: T[] = [];
  const urls: string[] = [];
  let retrievedAt = "";
  let url: string | undefined = firstUrl;
  while (url) {
    if (pages.length >= maxPages) throw new Error(`more than ${maxPages} pages at ${firstUrl}`);
    const r = await client.get(url);
    const parsed = schema.safeParse(r.body);
    if (!parsed.success) {
      await client.forget(url);
      throw new BdlFetchFailed(
        "malformed",
        `odpowiedź BDL ma nieoczekiwany układ (${url.replace(client.baseUrl, "")}: ${z.prettifyError(parsed.error).split("\n")[0]}) — unexpected response shape`,
      );
    }
    pages.push(parsed.data);
    urls.push(url);
    if (r.retrievedAt > retrievedAt) retrievedAt = r.retrievedAt;
    const next = parsed.data.links?.next;
    url = next && next !== url ? rebase(client, next) : undefined;
  }
  const total = pages[0]?.totalRecords;
  const got = pages.reduce((n, p) => n + p.results.length, 0);
  if (total !== undefined && got !== total)
    throw new BdlFetchFailed(
      "malformed",
      `BDL zapowiedział ${total} rekordów, a strony dały ${got} (${firstUrl.replace(client.baseUrl, "")}) — paging gave ${got} of ${total} records`,
    );
  return { pages, urls, retrievedAt };
}

/**
 * BDL's own `next` link, on the client's base address: its path below the API's and its query are kept,
 * the host is always the configured one (a link to another host is never followed).
 */
function rebase(client: BdlClient, next: string): string {
  const base = new URL(client.baseUrl);
  const link = new URL(next, `${client.baseUrl}/`);
  const at = link.pathname.indexOf(base.pathname.replace(/\/+$/, ""));
  const below = at >= 0 ? link.pathname.slice(at + base.pathname.replace(/\/+$/, "").length) : link.pathname;
  const u = new URL(`${client.baseUrl}${below}`);
  link.searchParams.forEach((v, k) => {
    u.searchParams.append(k, v);
  });
  if (!u.searchParams.has("format")) u.searchParams.set("format", "json");
  return u.toString();
}
