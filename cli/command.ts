import { type ParseArgsConfig, parseArgs } from "node:util";
import { DocumentRejected } from "../sources/lib/extractor.ts";
import { DataTestsFailed } from "../warehouse/errors.ts";
import { printable } from "../warehouse/quarantine.ts";

/** An error the user can act on: printed as one line, no stack trace. */
export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig["options"]>;
type Parsed<T extends Options> = ReturnType<typeof parseArgs<{ options: T; allowPositionals: true }>>;

/**
 * Run a command's main with --help and one-line errors. Expected failures (a rejected document,
 * failed data tests, a bad query) print their message; anything else also prints its stack when
 * OBS_DEBUG is set.
 */
export async function runCommand<T extends Options>(
  spec: { usage: string; options: T; allowPositionals?: boolean },
  main: (args: Parsed<T>) => Promise<number | undefined>,
): Promise<void> {
  let args: Parsed<T>;
  try {
    args = parseArgs({ options: spec.options, allowPositionals: true, strict: true });
    if (!spec.allowPositionals && args.positionals.length > 0) {
      throw new UsageError(`unexpected argument: ${args.positionals[0]}`);
    }
  } catch (e) {
    process.stderr.write(`error: ${(e as Error).message}\n\n${spec.usage}\n`);
    process.exit(2);
  }
  if ((args.values as Record<string, unknown>).help) {
    process.stdout.write(`${spec.usage}\n`);
    process.exit(0);
  }
  try {
    process.exitCode = (await main(args)) ?? 0;
  } catch (e) {
    const expected = e instanceof UsageError || e instanceof DocumentRejected || e instanceof DataTestsFailed;
    process.stderr.write(`error: ${forTerminal((e as Error).message)}\n`);
    if (!expected && process.env.OBS_DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
    process.exitCode = 1;
  }
}

/**
 * A line for the terminal or the service's log: text from documents and file names may carry control
 * characters (an ESC sequence in a report line would recolour or clear the terminal); each is shown
 * escaped (\u001b), line ends kept.
 */
export const forTerminal = (text: string) => text.split("\n").map(printable).join("\n");

/** Progress lines go to stderr, so stdout stays clean for data (e.g. `npm run sql -- --format csv`). */
export const progress = (line: string) => process.stderr.write(`${forTerminal(line)}\n`);
