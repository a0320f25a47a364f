/** Where the warehouse writes its progress lines (the CLI's stderr, a job's log, nowhere). */
export type Log = (line: string) => void;

export const silent: Log = () => {};
