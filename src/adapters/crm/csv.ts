/**
 * A small RFC 4180 CSV reader: quoted fields, doubled quotes, line breaks
 * inside quotes, CRLF or LF. Each row keeps the line it starts on, so
 * problems can point at it.
 *
 * @module
 */

/** One CSV record. */
export interface CsvRow {
  /** 1-based line the row starts on. */
  line: number;
  /** The fields, unquoted. */
  cells: string[];
}

/** What {@link parseCsv} returns. */
export interface CsvResult {
  /** The records, header included. */
  rows: CsvRow[];
  /** A quote left open at the end of the text, with the line it opened on. */
  error?: {
    /** The line the quote opened on. */
    line: number;
    /** What is wrong. */
    message: string;
  };
}

/** Splits CSV text into records; never throws. */
export function parseCsv(text: string): CsvResult {
  const rows: CsvRow[] = [];
  let cells: string[] = [];
  let cell = "";
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let quoteLine = 1;
  /** False until the row has a character: a blank line is no row, but `""` is a row of one empty cell. */
  let touched = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRow = (): void => {
    cells.push(cell);
    if (touched) rows.push({ line: rowLine, cells });
    cells = [];
    cell = "";
    touched = false;
  };
  for (; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === "\n") line++;
        cell += ch;
      }
      continue;
    }
    if (ch !== "\n" && ch !== "\r") touched = true;
    if (ch === '"' && cell === "") {
      quoted = true;
      quoteLine = line;
    } else if (ch === ",") {
      cells.push(cell);
      cell = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      endRow();
      line++;
      rowLine = line;
    } else cell += ch;
  }
  if (quoted) return { rows, error: { line: quoteLine, message: "a quoted field is never closed" } };
  if (touched) endRow();
  return { rows };
}
