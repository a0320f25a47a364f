/**
 * A local stand-in for the BDL API (node:http on 127.0.0.1) serving the recorded responses of
 * tests/fixtures/bdl/, with faults a test switches on: 429 or 503 answers, a response never finished
 * (timeout), malformed JSON, a changed unit list. It records every request (time, path, key header).
 */
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { ROOT } from "../helpers/cli.ts";

export const FIXTURES = join(ROOT, "tests", "fixtures", "bdl");
const fixture = (name: string) => readFileSync(join(FIXTURES, name), "utf8");

export type Fault =
  | { kind: "none" }
  /** The first `times` requests of data/by-unit answer 429 (with Retry-After seconds when given). */
  | { kind: "429"; times: number; retryAfter?: string }
  /** Every data/by-unit request answers 503. */
  | { kind: "503" }
  /** data/by-unit never answers (the socket stays open). */
  | { kind: "hang" }
  /** data/by-unit answers with broken JSON. */
  | { kind: "malformed" }
  /** units answers the changed list (units-changed.json). */
  | { kind: "units changed" };

export interface Recorded {
  at: number;
  path: string;
  query: string;
  clientId: string | undefined;
  status: number;
}

export async function startBdlServer() {
  const requests: Recorded[] = [];
  let fault: Fault = { kind: "none" };
  let limited = 0;
  const hanging: ServerResponse[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const path = url.pathname.replace(/^\/api\/v1\//, "");
    const send = (status: number, body: string, headers: Record<string, string> = {}) => {
      requests.push({
        at: Date.now(),
        path,
        query: url.search,
        clientId: req.headers["x-clientid"] as string | undefined,
        status,
      });
      res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
      res.end(body);
    };
    const isData = path.startsWith("data/by-unit/");
    if (isData && fault.kind === "429" && limited < fault.times) {
      limited++;
      return send(
        429,
        '{"errorResult":"Too many requests"}',
        fault.retryAfter ? { "retry-after": fault.retryAfter } : {},
      );
    }
    if (isData && fault.kind === "503") return send(503, "Service Unavailable");
    if (isData && fault.kind === "hang") {
      requests.push({ at: Date.now(), path, query: url.search, clientId: undefined, status: 0 });
      hanging.push(res);
      return;
    }
    if (isData && fault.kind === "malformed") return send(200, '{"totalRecords": 3, "results": [');
    if (path === "units") {
      if (fault.kind === "units changed") return send(200, fixture("units-changed.json"));
      return send(200, fixture(`units-page-${url.searchParams.get("page") ?? "0"}.json`));
    }
    if (path === "variables/72305") return send(200, fixture("variable-72305.json"));
    if (path === "variables")
      return send(200, fixture(`variables-${url.searchParams.get("subject-id")}.json`));
    if (path === "subjects/search") return send(200, fixture("subjects-search-30-VI.json"));
    if (isData) return send(200, fixture(`data-by-unit-${path.slice("data/by-unit/".length)}.json`));
    send(404, '{"errorResult":"not found"}');
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/api/v1`,
    requests,
    setFault(f: Fault) {
      fault = f;
      limited = 0;
    },
    async close() {
      for (const r of hanging) r.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
