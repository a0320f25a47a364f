import { briefPath, makeBrief } from "../dashboards/brief.ts";
import { runCommand, UsageError } from "./command.ts";

const usage = `Usage: npm run brief -- <centre> [--out file.pdf]

The committee brief of one centre (e.g. wroclaw): its page of the built dashboards printed by Chromium to
an A4 PDF — the summary first (key figures against the previous comparable period, norms with their
verdicts and caveats, what is missing), then the appendix of all figures; every page with a header
(centre, snapshot date) and a footer (page x of y, the page's full address). Reads the built site
($OBS_DATA_DIR/dashboards/site: run \`npm run build\` first); the service makes these itself after each
publish, into $OBS_DATA_DIR/briefs/.

Options:
  --out FILE   where the PDF goes (default: $OBS_DATA_DIR/briefs/<centre>.pdf)
  -h, --help   show this help

Environment:
  OBS_DATA_DIR    data directory (default ./data)
  OBS_PUBLIC_URL  the dashboards' public address printed in the footer (default http://<host>:3000)
  OBS_CHROMIUM    the Chromium to print with (default /usr/bin/chromium)`;

await runCommand(
  {
    usage,
    allowPositionals: true,
    options: { out: { type: "string" }, help: { type: "boolean", short: "h" } },
  },
  async ({ positionals, values }) => {
    const [centreId, ...rest] = positionals;
    if (!centreId)
      throw new UsageError("name the centre, e.g. npm run brief -- wroclaw (npm run brief -- --help)");
    if (rest.length > 0) throw new UsageError(`one centre at a time (got ${positionals.join(", ")})`);
    if (!/^[a-z0-9-]+$/.test(centreId)) throw new UsageError(`not a centre id: ${centreId}`);
    const brief = await makeBrief({ centreId, out: values.out ?? briefPath(centreId) });
    process.stdout.write(`${brief.path} (${brief.pages} stron A4, ${Math.round(brief.bytes / 1024)} kB)\n`);
    return 0;
  },
);
