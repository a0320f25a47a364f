import { dirname } from "node:path";
import { makeBrief } from "../dashboards/brief.ts";
import { recordBriefs } from "../dashboards/brief-index.ts";
import { runCommand, UsageError } from "./command.ts";

const usage = `Usage: npm run brief -- <centre> [--out file.pdf]

The committee brief of one centre (e.g. wroclaw): its page of the built dashboards printed by Chromium to
an A4 PDF — the summary first (key figures against the previous comparable period, norms with their
verdicts and caveats, what is missing), then the appendix of all figures; every page with a header
(centre, snapshot date) and a footer (page x of y, the page's full address). Reads the built site
($OBS_DATA_DIR/dashboards/site: run \`npm run build\` first) with the data \`npm run dashboards\` shows on
this machine (the internal data when published, else the public). Without --out the PDF goes into
$OBS_DATA_DIR/briefs/<internal|public>/ and the city page links it; the service makes these itself after
each publish.

Options:
  --out FILE   where the PDF goes (default: $OBS_DATA_DIR/briefs/<internal|public>/<centre>.pdf)
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
    const brief = await makeBrief({ centreId, ...(values.out ? { out: values.out } : {}) });
    // the city page links what the index lists: a PDF written elsewhere is the user's own copy
    if (!values.out)
      await recordBriefs(dirname(brief.path), {
        [centreId]: {
          file: `${centreId}.pdf`,
          madeAt: new Date().toISOString(),
          dataBuildId: brief.dataBuildId,
          pages: brief.pages,
        },
      });
    process.stdout.write(`${brief.path} (${brief.pages} stron A4, ${Math.round(brief.bytes / 1024)} kB)\n`);
    return 0;
  },
);
