import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readPublished } from "../../pipelines/published.ts";
import { ONE_SHOT_TASKS, openPipeline, type Pipeline, runToCompletion } from "../../pipelines/worker.ts";
import { bundled, freshDataDir, JAWORZNO, KATOWICE, variant } from "./helpers.ts";

interface Seen {
  path: string;
  ifNoneMatch: string | null;
  ifModifiedSince: string | null;
  status: number;
}

const LAST_MODIFIED = "Tue, 03 Mar 2026 10:00:00 GMT";

/**
 * A BIP-like site on 127.0.0.1: a listing page linking three reports (one answers 503 once), with
 * ETag and Last-Modified; and a folder source. Two collection rounds: the first brings every report
 * into the inbox and on to the warehouse, the second asks conditionally and gets 304s.
 */
function bipServer(seen: Seen[]): Server {
  let flakyCalls = 0;
  const files: Record<string, { body: string; etag?: string }> = {
    "/pliki/sprawozdanie-jaworzno-2023.txt": { body: variant(JAWORZNO, 5), etag: '"j-1"' },
    "/pliki/uchodzcy-2025.txt": { body: variant(KATOWICE, 5) },
    "/pliki/asystenci.txt": {
      body: variant(bundled("kedzierzyn-kozle", "kedzierzyn-kozle_mops_asystenci-rodziny_2025.txt"), 5),
      etag: '"k-1"',
    },
    "/bip/sprawozdania.html": {
      body: `<!doctype html><html><body><h1>Sprawozdania</h1><ul>
        <li><a href="/pliki/sprawozdanie-jaworzno-2023.txt">Sprawozdanie 2023</a></li>
        <li><a href="../pliki/uchodzcy-2025.txt">Uchodźcy 2025</a></li>
        <li><a href="/pliki/asystenci.txt">Asystenci rodziny</a></li>
        <li><a href="/kontakt.html">Kontakt</a></li>
      </ul></body></html>`,
      etag: '"listing-1"',
    },
  };
  return createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const record = (status: number) =>
      seen.push({
        path,
        ifNoneMatch: (req.headers["if-none-match"] as string | undefined) ?? null,
        ifModifiedSince: (req.headers["if-modified-since"] as string | undefined) ?? null,
        status,
      });
    const file = files[path];
    if (!file) {
      record(404);
      res.writeHead(404).end();
      return;
    }
    if (path === "/pliki/asystenci.txt" && flakyCalls++ === 0) {
      record(503);
      res.writeHead(503).end("przerwa techniczna");
      return;
    }
    const fresh = file.etag
      ? req.headers["if-none-match"] === file.etag
      : req.headers["if-modified-since"] === LAST_MODIFIED;
    if (fresh) {
      record(304);
      res.writeHead(304).end();
      return;
    }
    record(200);
    res.writeHead(200, {
      "content-type": path.endsWith(".html") ? "text/html; charset=utf-8" : "text/plain; charset=utf-8",
      "last-modified": LAST_MODIFIED,
      ...(file.etag ? { etag: file.etag } : {}),
    });
    res.end(file.body);
  });
}

describe("collection from the centres' report sources", () => {
  const data = freshDataDir("obs-service-collect-");
  const folder = join(data, "katowice-share");
  const seen: Seen[] = [];
  const server = bipServer(seen);
  let pipeline: Pipeline;

  const round = async () => {
    await pipeline.addJob("collect_reports", { round: "manual" });
    await runToCompletion(pipeline);
  };
  const items = () =>
    pipeline.db.selectFrom("obs.source_items").selectAll().orderBy("source_id").orderBy("url").execute();

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    mkdirSync(folder);
    writeFileSync(join(folder, "aktywizacja-2025-v2.txt"), variant(KATOWICE, 6));
    writeFileSync(join(folder, "notatka.docx.tmp"), "not a report name");
    const sources = join(data, "report-sources.json");
    writeFileSync(
      sources,
      JSON.stringify({
        sources: [
          {
            id: "bip-test",
            centre_id: "jaworzno",
            type: "listing",
            location: `http://127.0.0.1:${port}/bip/sprawozdania.html`,
            min_interval_ms: 5,
            backoff_ms: 10,
            retries: 2,
            timeout_ms: 10_000,
          },
          { id: "katowice-share", centre_id: "katowice", type: "folder", location: "katowice-share" },
        ],
      }),
    );
    process.env.OBS_DATA_DIR = data;
    process.env.OBS_REPORT_SOURCES = sources;
    pipeline = await openPipeline({
      log: () => {},
      tasks: [...ONE_SHOT_TASKS, "collect_reports", "discover_documents"],
      inboxSettleMs: 100,
    });
  });

  afterAll(async () => {
    await pipeline?.close();
    server.close();
  });

  it("fetches every linked report into the inbox, retrying a 503, and loads them", async () => {
    await round();
    const paths = seen.map((s) => `${s.status} ${s.path}`);
    expect(paths).toEqual([
      "200 /bip/sprawozdania.html",
      "200 /pliki/sprawozdanie-jaworzno-2023.txt",
      "200 /pliki/uchodzcy-2025.txt",
      "503 /pliki/asystenci.txt",
      "200 /pliki/asystenci.txt",
    ]);
    expect(seen.every((s) => s.ifNoneMatch === null && s.ifModifiedSince === null)).toBe(true);

    const recorded = await items();
    expect(
      recorded.map((i) => [i.source_id, i.url.replace(/^http:\/\/127\.0\.0\.1:\d+/, ""), i.status]),
    ).toEqual([
      ["bip-test", "/bip/sprawozdania.html", "new"],
      ["bip-test", "/pliki/asystenci.txt", "new"],
      ["bip-test", "/pliki/sprawozdanie-jaworzno-2023.txt", "new"],
      ["bip-test", "/pliki/uchodzcy-2025.txt", "new"],
      ["katowice-share", join(folder, "aktywizacja-2025-v2.txt"), "new"],
    ]);
    expect(recorded.find((i) => i.url.endsWith("jaworzno-2023.txt"))?.etag).toBe('"j-1"');
    expect(recorded.find((i) => i.url.endsWith("uchodzcy-2025.txt"))?.last_modified).toBe(LAST_MODIFIED);

    const docs = await pipeline.db
      .selectFrom("obs.documents")
      .select(["document_id", "file_name", "origin", "source_id", "state"])
      .where("origin", "=", "collected")
      .orderBy("file_name")
      .execute();
    expect(docs.map((d) => [d.file_name, d.source_id])).toEqual([
      ["aktywizacja-2025-v2.txt", "katowice-share"],
      ["asystenci.txt", "bip-test"],
      ["sprawozdanie-jaworzno-2023.txt", "bip-test"],
      ["uchodzcy-2025.txt", "bip-test"],
    ]);
    const published = new Set((await readPublished())?.documents.map((d) => d.document_id));
    for (const d of docs) expect(published.has(d.document_id), d.file_name).toBe(true);
    expect(readdirSync(join(data, "inbox")).filter((f) => f !== "rejected")).toEqual([]);
  });

  it("asks again with If-None-Match / If-Modified-Since and takes nothing when nothing changed", async () => {
    seen.length = 0;
    const documentsBefore = (await pipeline.db.selectFrom("obs.documents").select("document_id").execute())
      .length;
    await round();
    expect(seen.map((s) => `${s.status} ${s.path}`).sort()).toEqual([
      "304 /bip/sprawozdania.html",
      "304 /pliki/asystenci.txt",
      "304 /pliki/sprawozdanie-jaworzno-2023.txt",
      "304 /pliki/uchodzcy-2025.txt",
    ]);
    expect(seen.find((s) => s.path === "/bip/sprawozdania.html")?.ifNoneMatch).toBe('"listing-1"');
    expect(seen.find((s) => s.path === "/pliki/uchodzcy-2025.txt")?.ifModifiedSince).toBe(LAST_MODIFIED);
    expect((await items()).map((i) => i.status)).toEqual(Array(5).fill("not_modified"));
    expect((await pipeline.db.selectFrom("obs.documents").select("document_id").execute()).length).toBe(
      documentsBefore,
    );
    expect(readdirSync(join(data, "inbox")).filter((f) => f !== "rejected")).toEqual([]);
  });
});
