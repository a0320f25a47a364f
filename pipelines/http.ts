/**
 * The service's web server: the latest dashboards build ($OBS_DATA_DIR/dashboards/site, served by
 * dashboards/serve.ts), or a Polish page saying none is built yet (also while a rebuild replaces it).
 */
import { existsSync } from "node:fs";
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

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export async function serveDashboards(opts: {
  port: number;
  host: string;
}): Promise<{ server: Server; url: string }> {
  const site = join(dataPaths().dashboards, "site");
  const { server, url } = await serveSite(site, opts);
  const [serveBuilt] = server.listeners("request") as Handler[];
  server.removeAllListeners("request");
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    if (serveBuilt && existsSync(join(site, "index.html"))) return serveBuilt(req, res);
    res.writeHead(503, {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-cache",
      "retry-after": "10",
    });
    res.end(req.method === "HEAD" ? undefined : NOT_BUILT);
  });
  return { server, url };
}
