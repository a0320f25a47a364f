/**
 * The GUS BDL connector against a local server serving recorded responses (tests/fixtures/bdl, test
 * data): paging, the limits, back-off on 429 (Retry-After honoured) and 5xx, timeouts, malformed JSON and
 * a changed unit list. Each failure keeps the last good data byte for byte and says what happened, in
 * Polish and English. No test reaches the network.
 */
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchReference } from "../../sources/gus-bdl/fetch.ts";
import { readFigures, readStatus } from "../../sources/gus-bdl/store.ts";
import { freshDataDir, ROOT } from "../helpers/cli.ts";
import { startBdlServer } from "./bdl-server.ts";

const YEARS = [2019, 2020, 2021, 2022, 2023, 2024];

describe("the BDL connector (recorded responses, local server)", () => {
  let server: Awaited<ReturnType<typeof startBdlServer>>;
  let dir: string;
  beforeAll(async () => {
    server = await startBdlServer();
    dir = join(freshDataDir("obs-bdl-"), "reference");
    await mkdir(dir, { recursive: true });
  });
  afterAll(async () => {
    await server?.close();
  });

  /** A fetch that asks BDL every time (no cache reuse), with a key unless told otherwise. */
  const fetchNow = (extra: { clientId?: string | null; timeoutMs?: number; maxAgeMs?: number } = {}) =>
    fetchReference({
      dir,
      years: YEARS,
      client: {
        dir,
        baseUrl: server.baseUrl,
        clientId: extra.clientId === null ? undefined : (extra.clientId ?? "test-key"),
        backoffMs: 20,
        retries: 2,
        timeoutMs: extra.timeoutMs ?? 5000,
        maxAgeMs: extra.maxAgeMs ?? 0,
      },
    });
  const stored = () => readFileSync(join(dir, "figures.csv"), "utf8");

  it("fetches every centre's figures with their provenance, following the pages of the unit list, within the anonymous limit", async () => {
    const r = await fetchNow({ clientId: null });
    expect(r.message).toMatch(/pobrano z BDL 71 liczb dla 4 ośrodków .* — fetched 71 figures/);
    expect(r.ok).toBe(true);
    // Both pages of units, through links.next rebased onto the configured address.
    expect(
      server.requests.filter((q) => q.path === "units").map((q) => new URLSearchParams(q.query).get("page")),
    ).toEqual([null, "1"]);
    // Anonymous: never more than 5 requests in any second, and no key sent.
    const times = server.requests.map((q) => q.at);
    for (const t of times) expect(times.filter((u) => u >= t && u < t + 1000).length).toBeLessThanOrEqual(5);
    expect(server.requests.every((q) => q.clientId === undefined)).toBe(true);
    // The mid-year population: BDL has no subject for gminas here, said as a note, not a failure.
    expect(r.notes.join("\n")).toMatch(/population_mid_year/);
    // The value BDL marks missing (attribute 2) is not a figure: missing is not zero.
    expect(r.notes.join("\n")).toMatch(
      /kedzierzyn-kozle assistance_households 2019: BDL nie podaje wartości \(atrybut 2\)/,
    );
    const figures = await readFigures(dir);
    expect(figures).toHaveLength(4 * 6 * 3 - 1);
    const wroclaw = figures.find(
      (f) => f.teryt === "0264011" && f.measure === "population_31_dec" && f.year === 2023,
    );
    expect(wroclaw).toMatchObject({
      value: 673923,
      reference_date: "2023-12-31",
      variable_id: "72305",
      unit_id: "030210564011",
      origin: "bdl-api",
    });
    expect(wroclaw?.source_url).toMatch(
      /\/data\/by-unit\/030210564011\?var-id=72305&var-id=458271&var-id=458261&year=2019/,
    );
    // Resolved through `variables`, not guessed: the % variable of P3538 is not the count.
    expect(
      figures
        .filter((f) => f.measure === "assistance_beneficiaries")
        .every((f) => f.variable_id === "458271"),
    ).toBe(true);
    expect(
      figures.filter((f) => f.measure === "assistance_households").every((f) => f.reference_date === null),
    ).toBe(true);
    // The register of gminas, TERYT from the unit ids.
    const units = readFileSync(join(dir, "units.csv"), "utf8");
    expect(units).toMatch(/^2469011,022412769011,Katowice,1$/m);
    expect(units).toMatch(/^0201044,030210101044,Nowogrodziec - miasto,4$/m);
  });

  it("reuses the cached responses: a second fetch asks BDL nothing", async () => {
    const before = server.requests.length;
    const r = await fetchNow({ maxAgeMs: 3600_000 });
    expect(r).toMatchObject({ ok: true, requests: 0 });
    expect(r.cacheHits).toBeGreaterThan(5);
    expect(server.requests.length).toBe(before);
  });

  it("backs off on 429 and honours Retry-After, then succeeds; the key is sent", async () => {
    server.setFault({ kind: "429", times: 1, retryAfter: "1" });
    const from = server.requests.length;
    const r = await fetchNow();
    expect(r.ok).toBe(true);
    const mine = server.requests.slice(from);
    const limited = mine.find((q) => q.status === 429);
    const retried = mine.find(
      (q) => q.status === 200 && q.path === limited?.path && q.at > (limited?.at ?? 0),
    );
    expect(limited && retried).toBeTruthy();
    // Back-off was 20 ms; BDL asked for 1 s, and got it.
    expect((retried?.at ?? 0) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(950);
    expect(mine.every((q) => q.clientId === "test-key")).toBe(true);
    server.setFault({ kind: "none" });
  });

  const keepsLastGood = async (
    fault: Parameters<typeof server.setFault>[0],
    says: RegExp,
    timeoutMs?: number,
  ) => {
    const good = stored();
    const goodUnits = readFileSync(join(dir, "units.csv"), "utf8");
    server.setFault(fault);
    const r = await fetchNow({ timeoutMs });
    server.setFault({ kind: "none" });
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(says);
    expect(r.message).toMatch(
      /Ostatnie dobre dane zostały bez zmian — the fetch failed; the last good reference data is kept/,
    );
    expect(stored()).toBe(good);
    expect(readFileSync(join(dir, "units.csv"), "utf8")).toBe(goodUnits);
    const status = await readStatus(dir);
    expect(status.last).toMatchObject({ action: "fetch", ok: false });
    expect(status.last_good?.action).toBe("fetch");
    return r;
  };

  it("429 every time: gives up after its retries and keeps the last good data", async () => {
    await keepsLastGood(
      { kind: "429", times: 99 },
      /przekroczono limit zapytań \(HTTP 429\).*rate limit hit.*po 3 próbach — gave up after 3 attempts/,
    );
  });

  it("5xx: retries, then keeps the last good data", async () => {
    const from = server.requests.length;
    await keepsLastGood({ kind: "503" }, /BDL nie odpowiedział poprawnie \(HTTP 503\).*server error/);
    expect(server.requests.slice(from).filter((q) => q.status === 503)).toHaveLength(3);
  });

  it("a timeout keeps the last good data", async () => {
    await keepsLastGood({ kind: "hang" }, /BDL nie odpowiedział w ciągu 0 s .*— timeout/, 300);
  });

  it("malformed JSON keeps the last good data, and is not cached", async () => {
    await keepsLastGood({ kind: "malformed" }, /nie jest poprawnym JSON-em .*malformed JSON from BDL/);
    // Served well again, the same fetch succeeds (nothing broken was cached).
    expect((await fetchNow({ maxAgeMs: 3600_000 })).ok).toBe(true);
  });

  it("a changed unit list keeps the last good data and names the centre", async () => {
    const r = await keepsLastGood(
      { kind: "units changed" },
      /zmienił się wykaz jednostek BDL: katowice \(TERYT 2469011\) ma teraz w BDL id 022412869011 zamiast 022412769011.*--accept-unit-changes/,
    );
    expect(r.notes.join("\n")).toMatch(/0 nowych, 1 usuniętych \(1603022\)/);
  });

  it("a used-up 15-minute limit stops before asking BDL and says when it can go on", async () => {
    const now = Date.now();
    writeFileSync(
      join(dir, "requests.json"),
      JSON.stringify(Array.from({ length: 100 }, (_, i) => now - i * 1000)),
    );
    const from = server.requests.length;
    const good = stored();
    const r = await fetchNow({ clientId: null });
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(
      /wyczerpany limit zapytań do BDL; można kontynuować po \d{4}-\d\d-\d\d \d\d:\d\d UTC/,
    );
    expect(server.requests.length).toBe(from);
    expect(stored()).toBe(good);
    writeFileSync(join(dir, "requests.json"), "[]");
  });
});

/** `npm run reference -- …` as a user runs it, without blocking the local server (async spawn). */
function reference(args: string[], dataDir: string, env: Record<string, string>) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn("npm", ["run", "--silent", "reference", "--", ...args], {
      cwd: ROOT,
      env: { ...process.env, OBS_DATA_DIR: dataDir, FORCE_COLOR: "0", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => {
      stdout += s;
    });
    child.stderr.setEncoding("utf8").on("data", (s: string) => {
      stderr += s;
    });
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

describe("npm run reference against the local server", () => {
  let server: Awaited<ReturnType<typeof startBdlServer>>;
  const dataDir = freshDataDir("obs-bdl-cli-");
  let env: Record<string, string>;
  beforeAll(async () => {
    server = await startBdlServer();
    env = { OBS_BDL_BASE_URL: server.baseUrl, OBS_BDL_CLIENT_ID: "test-key", OBS_BDL_BACKOFF_MS: "10" };
  });
  afterAll(async () => {
    await server?.close();
  });

  it("fetch, status, then a 5xx fetch that exits 1 keeping the data; units for growing the seed", async () => {
    const ok = await reference(["fetch", "--years", "2019-2024"], dataDir, env);
    expect(ok.stdout).toMatch(/^✓ pobrano z BDL 71 liczb dla 4 ośrodków/);
    expect(ok.status).toBe(0);
    const figures = readFileSync(join(dataDir, "reference", "figures.csv"), "utf8");
    const status = await reference(["status"], dataDir, env);
    expect(status.stdout).toMatch(
      /assistance_beneficiaries: 24 liczb, lata 2019–2024, ośrodki: jaworzno, katowice, kedzierzyn-kozle, wroclaw; źródło: bdl-api/,
    );
    expect(status.stdout).toMatch(/Wykaz gmin BDL: 8 jednostek/);

    server.setFault({ kind: "503" });
    const failed = await reference(["fetch", "--years", "2019-2024", "--max-age-days", "0"], dataDir, env);
    server.setFault({ kind: "none" });
    expect(failed.status).toBe(1);
    expect(failed.stdout).toMatch(
      /^✗ pobieranie z BDL nie powiodło się: BDL nie odpowiedział poprawnie \(HTTP 503\)/,
    );
    expect(failed.stdout).toMatch(/the last good reference data is kept/);
    expect(failed.stderr).toMatch(/ponawiam za/);
    expect(readFileSync(join(dataDir, "reference", "figures.csv"), "utf8")).toBe(figures);
    expect((await reference(["status"], dataDir, env)).stdout).toMatch(
      /Ostatnia próba \(fetch, .*\): ✗ .*\nOstatnia udana \(fetch/,
    );

    const seed = await reference(["units", "--centres-csv"], dataDir, env);
    expect(seed.status).toBe(0);
    const lines = seed.stdout.trim().split("\n");
    expect(lines[0]).toBe(
      "teryt,centre_id,name_pl,name_genitive,name_locative,centre_name_pl,voivodeship,powiat,gmina_type",
    );
    // The gminas not in the seed (kinds 1–3: not Nowogrodziec's town part), name forms left to a person.
    expect(lines.slice(1)).toEqual([
      "0201011,,Bolesławiec,,,Ośrodek Pomocy Społecznej – Bolesławiec,dolnośląskie,,gmina miejska",
      "0201043,,Nowogrodziec,,,Ośrodek Pomocy Społecznej – Nowogrodziec,dolnośląskie,,gmina miejsko-wiejska",
      "1603022,,Bierawa,,,Ośrodek Pomocy Społecznej – Bierawa,opolskie,,gmina wiejska",
    ]);
    expect(seed.stderr).toMatch(/BDL ich nie podaje/);
  });
});
