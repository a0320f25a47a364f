// The dashboards' data, fetched at runtime from the data published with the warehouse
// (dashboards/publish-data.ts), not baked into the site: the site is built once per change of its code,
// and a new report is on the pages as soon as its data is published. The server (dashboards/serve.ts)
// answers /data/current.json with the current build of the data and /data/<build-id>/<file> with its
// files; a page reads one build throughout, even if a newer one is published while it is open.
// Components are served from <site>/_import/components/, so the site root is two levels up.

export interface DataVersion {
  buildId: string;
  public: boolean;
  /** When this data was published (ISO). */
  publishedAt: string;
  /** When the warehouse snapshot it comes from was published (ISO). */
  warehousePublishedAt: string;
}

const siteRoot = () => new URL("../../", import.meta.url);

let version: Promise<DataVersion> | null = null;

/** The build of the data this page reads (fetched once per page). */
export function dataVersion(): Promise<DataVersion> {
  if (!version) {
    version = fetch(new URL("data/current.json", siteRoot()), { cache: "no-store" }).then(async (r) => {
      if (!r.ok)
        throw new Error(
          r.status === 404 ? "dane pulpitów nie zostały jeszcze opublikowane" : `HTTP ${r.status}`,
        );
      return (await r.json()) as DataVersion;
    });
    version.catch(() => {
      version = null;
    });
  }
  return version;
}

/** The address of one published file of this page's build (e.g. for a download link). */
export async function dataUrl(name: string): Promise<string> {
  const { buildId } = await dataVersion();
  return new URL(`data/${encodeURIComponent(buildId)}/${name}`, siteRoot()).href;
}

const loaded = new Map<string, Promise<unknown>>();

async function fetchData(name: string): Promise<Response> {
  const r = await fetch(await dataUrl(name));
  if (!r.ok) throw new Error(`${name}: HTTP ${r.status}`);
  return r;
}

/** One published JSON file (e.g. "overview.json", "centre/wroclaw.json"), once per page. */
export function loadData<T = unknown>(name: string): Promise<T> {
  let p = loaded.get(name) as Promise<T> | undefined;
  if (!p) {
    p = fetchData(name).then((r) => r.json() as Promise<T>);
    loaded.set(name, p);
    p.catch(() => loaded.delete(name));
  }
  return p;
}

/** One published binary file (e.g. "marts/dim_centre.arrow"). */
export async function loadBytes(name: string): Promise<ArrayBuffer> {
  return (await fetchData(name)).arrayBuffer();
}

/** "3 grudnia 2026, 14:05" in Polish time, whatever the reader's time zone. */
export function formatWarsawTime(iso: string): string {
  return new Intl.DateTimeFormat("pl-PL", {
    timeZone: "Europe/Warsaw",
    day: "numeric",
    month: "long",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  }).format(new Date(iso));
}
