import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readPublished } from "../../pipelines/published.ts";
import {
  freshDataDir,
  JAWORZNO,
  KATOWICE,
  openRunLog,
  ROOT,
  type ServiceProcess,
  startService,
  stopServices,
  until,
  variant,
} from "./helpers.ts";

/**
 * `npm start` on a data dir that does not exist yet, as a user runs it on a fresh clone: catch-up of the bundled reports, then reports
 * dropped into the inbox (a new version, the same report again under another name, garbage), the
 * dashboards address, `npm run status`, and Ctrl-C.
 */
describe("the service: inbox → published", () => {
  // A data folder not made yet, as on a fresh clone (data/ is git-ignored).
  const data = join(freshDataDir("obs-service-inbox-"), "data");
  const inbox = join(data, "inbox");
  let service: ServiceProcess;
  let log: Awaited<ReturnType<typeof openRunLog>>;
  let bundledCount: number;

  const stateOf = async (fileName: string) =>
    (
      await log.db
        .selectFrom("obs.documents")
        .select(["document_id", "state", "error"])
        .where("file_name", "=", fileName)
        .execute()
    )[0];

  beforeAll(async () => {
    service = startService(data);
    await service.waitFor(/Ready in/);
    const published = await service.waitFor(/Published \d+ figures from \d+ documents/);
    bundledCount = Number(/from (\d+) documents/.exec(published)?.[1]);
    log = await openRunLog(data);
  });

  afterAll(async () => {
    await stopServices();
    await log?.close();
  });

  it("publishes every bundled report at start (catch-up)", async () => {
    expect(bundledCount).toBe(5);
    const published = await readPublished();
    expect(published?.documents).toHaveLength(5);
    const states = await log.db.selectFrom("obs.documents").select("state").execute();
    expect(states.map((s) => s.state)).toEqual(Array(5).fill("loaded"));
  });

  it("serves a Polish page until the dashboards are built", async () => {
    const url = service.url();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${url}/`);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain("Pulpity nie zostały jeszcze zbudowane");
  });

  it("publishes a new version of a report dropped into the inbox, superseding the old one", async () => {
    writeFileSync(join(inbox, "jaworzno-2023-poprawione.txt"), variant(JAWORZNO, 1));
    const loaded = await until("the new version to be loaded", async () => {
      const row = await stateOf("jaworzno-2023-poprawione.txt");
      return row?.state === "loaded" && row;
    });
    expect(existsSync(join(inbox, "jaworzno-2023-poprawione.txt"))).toBe(false);
    const published = await readPublished();
    const doc = published?.documents.find((d) => d.document_id === loaded.document_id);
    expect(doc?.is_current).toBe(true);
    const old = published?.documents.find(
      (d) => d.centre_id === "jaworzno" && d.document_id !== loaded.document_id,
    );
    expect(old?.superseded_by).toBe(loaded.document_id);
    expect((await stateOf("jaworzno_mops_sprawozdanie-gpwr_2023.txt"))?.state).toBe("superseded");
  });

  it("keeps one version when the same report comes twice, under any name", async () => {
    const publishes = async () =>
      (
        await log.db
          .selectFrom("obs.runs")
          .select(sql<number>`count(*)::int`.as("n"))
          .where("task", "=", "publish_warehouse")
          .where("status", "=", "succeeded")
          .executeTakeFirstOrThrow()
      ).n;
    const before = await publishes();
    const from = service.lines.length;
    writeFileSync(join(inbox, "kopia.txt"), variant(JAWORZNO, 1));
    writeFileSync(join(inbox, "katowice-kopia.txt"), readFileSync(KATOWICE));
    await service.waitFor(/= already known kopia\.txt/, from);
    await service.waitFor(/= already known katowice-kopia\.txt/, from);
    await until("the copies to leave the inbox", () => !existsSync(join(inbox, "kopia.txt")));
    const stored = readdirSync(join(data, "documents")).filter((f) => f.endsWith(".json"));
    expect(stored).toHaveLength(1);
    const published = await readPublished();
    expect(published?.documents).toHaveLength(6);
    expect(await stateOf("kopia.txt")).toBeUndefined();
    expect(await publishes()).toBe(before);
  });

  it("moves a rejected file to inbox/rejected with the reason beside it", async () => {
    writeFileSync(join(inbox, "notatki.txt"), "Lista zakupów: mleko, chleb, 12 jaj.\n");
    await until("the rejection", () => existsSync(join(inbox, "rejected", "notatki.txt.error.txt")));
    expect(existsSync(join(inbox, "notatki.txt"))).toBe(false);
    expect(readFileSync(join(inbox, "rejected", "notatki.txt"), "utf8")).toContain("mleko");
    const reason = readFileSync(join(inbox, "rejected", "notatki.txt.error.txt"), "utf8");
    expect(reason).toMatch(/reason: .*(no extractor|not a report)/);
    const row = await until("the run log to say so", () => stateOf("notatki.txt"));
    expect(row.state).toBe("rejected");
    expect(row.error).toMatch(/no extractor|not a report/);
  });

  it("tells its state with npm run status --json", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", "cli/status.ts", "--json"], {
      cwd: ROOT,
      env: { ...process.env, OBS_DATA_DIR: data },
      encoding: "utf8",
    });
    expect(r.status).toBe(0);
    const status = JSON.parse(r.stdout);
    const states = status.documents.map((d: { state: string }) => d.state).sort();
    expect(states).toEqual(["loaded", "loaded", "loaded", "loaded", "loaded", "rejected", "superseded"]);
    expect(status.freshness.length).toBeGreaterThan(0);
    for (const p of status.freshness) expect(["received", "expected", "late"]).toContain(p.state);
    expect(status.freshness.filter((p: { state: string }) => p.state === "received").length).toBeGreaterThan(
      0,
    );
    const tasks = status.runs.map((r: { task: string }) => r.task);
    expect(tasks).toContain("publish_warehouse");
    for (const run of status.runs) expect(run.seconds).not.toBeNull();
    expect(status.workers).toHaveLength(1);
    expect(status.schedule.find((s: { id: string }) => s.id === "collect_year").next_fire).toMatch(
      /-03-01 06:00/,
    );
    expect(r.stdout).not.toMatch(/postgres:\/\/[^:]+:[^*@]+@/); // never a password
  });

  it("stops on Ctrl-C: exit 0, nothing left locked, its Postgres stopped", async () => {
    await log.close();
    service.child.kill("SIGINT");
    const { code } = await service.exited;
    expect(code).toBe(0);
    expect(service.lines.join("\n")).toMatch(/Stopped in/);
    expect(existsSync(join(data, "postgres", "postmaster.pid"))).toBe(false);
    log = await openRunLog(data);
    const locked = await sql<{ n: number }>`
      select count(*)::int as n from graphile_worker.jobs where locked_at is not null`.execute(log.db);
    expect(locked.rows[0]?.n).toBe(0);
  });
});
