// Progress on stderr, so stdout stays free for the totals. A terminal gets one bar redrawn in
// place; a log file or CI gets a line per ~10% instead of thousands of carriage returns.

export interface OutputStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export interface Progress {
  /** One batch (or one fund) has been sent. */
  advance(rows: number): void;
  /** A message that must not be overwritten by the bar, such as a retry notice. */
  note(line: string): void;
  finish(): void;
}

const BAR_WIDTH = 10;

export function createProgress(
  stream: OutputStream,
  totalBatches: number,
  totalRows: number,
  now: () => number = () => performance.now(),
): Progress {
  const started = now();
  let batches = 0;
  let rows = 0;
  let printedDecile = -1;
  let printedBatches = -1;
  let barShown = false;

  const fraction = () => (totalRows > 0 ? rows / totalRows : totalBatches > 0 ? batches / totalBatches : 1);
  const line = () => {
    const filled = Math.min(BAR_WIDTH, Math.floor(fraction() * BAR_WIDTH));
    const seconds = ((now() - started) / 1000).toFixed(1);
    return (
      `[${"#".repeat(filled)}${".".repeat(BAR_WIDTH - filled)}] ${batches}/${totalBatches} batches  ` +
      `${rows}/${totalRows} rows  ${seconds}s`
    );
  };
  const draw = () => {
    if (stream.isTTY) {
      stream.write(`\r${line()}\x1b[K`);
      barShown = true;
      return;
    }
    const decile = Math.floor(fraction() * 10);
    if (decile > printedDecile) {
      printedDecile = decile;
      printedBatches = batches;
      stream.write(`${line()}\n`);
    }
  };

  return {
    advance(sentRows) {
      batches++;
      rows += sentRows;
      draw();
    },
    note(message) {
      stream.write(`${barShown ? "\r\x1b[K" : ""}${message}\n`);
      if (barShown) stream.write(line());
    },
    finish() {
      if (stream.isTTY) {
        if (barShown) stream.write("\n");
      } else if (printedBatches !== batches) {
        stream.write(`${line()}\n`);
      }
    },
  };
}
