/**
 * The service's web server: the latest dashboards build ($OBS_DATA_DIR/dashboards/site, served by
 * dashboards/serve.ts, with its checks of method, Host and, off loopback, of a public build), or a
 * Polish page saying none is built yet (also while a rebuild replaces it).
 */
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { join } from "node:path";
import { serveSite } from "../dashboards/serve.ts";
import { dataPaths } from "../lib/config.ts";

const NOT_BUILT = `<!doctype html>
<html lang="pl">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="10">
<title>Obserwatorium — pulpity w przygotowaniu</title>
<link rel="icon" href="data:,">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40em;margin:4em auto;padding:0 1em;color:#222}</style>
</head>
<body>
<h1>Pulpity nie zostały jeszcze zbudowane</h1>
<p>Usługa Obserwatorium działa. Pulpity powstają po pierwszej publikacji hurtowni danych
i odświeżają się po każdej następnej. Ta strona przeładuje się sama za 10 sekund.</p>
<p>Stan przetwarzania pokazuje polecenie <code>npm run status</code>.</p>
</body>
</html>
`;

function notBuilt(req: IncomingMessage, res: ServerResponse) {
  res.writeHead(503, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-cache",
    "retry-after": "10",
  });
  res.end(req.method === "HEAD" ? undefined : NOT_BUILT);
}

export async function serveDashboards(opts: {
  port: number;
  host: string;
  /** Serve an internal build on a non-loopback address (dashboards/serve.ts). */
  internal: boolean;
  log: (line: string) => void;
}): Promise<{ server: Server; url: string }> {
  return serveSite(join(dataPaths().dashboards, "site"), { ...opts, notBuilt });
}
