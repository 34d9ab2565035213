"""Reading a creators CSV: bytes in, (line, cells) records out, or one CsvFileError that names
the line. The rules for a file people upload from a spreadsheet:

- at most 2 MB of UTF-8 (a BOM is fine); no NUL byte (it is not a text file then);
- a header row naming the columns (`name`, `email`, `handle`; any order, others ignored);
  `,`, `;` or tab between cells;
- no cell over 131,072 characters (the csv module's default limit, checked here too so the
  rule does not hang on a process-wide setting);
- quotes must be closed: a cell whose closing `"` is missing would swallow the rows after it
  into one cell, so the end of the file inside a quote, text after a closing quote, and a line
  break inside a name, email or handle are errors, never merged rows. Cells of other columns
  may span lines (a spreadsheet writes a multi-line note that way).

Line numbers are the file's own (where a record starts), so they stay right after a record
that spans lines. Rows with nothing in them are skipped; whether any rows are left, and what is
in the cells, is the import service's business."""

from __future__ import annotations

import csv
import io

MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_CELL_CHARS = 131_072
IMPORT_COLUMNS = ("name", "email", "handle")
LINE_BREAKS = ("\n", "\r")


class CsvFileError(Exception):
    """The file cannot be read as a creators CSV; `line` is 0 when no line is to blame."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


_TOO_LONG = f"A cell is longer than {MAX_CELL_CHARS:,} characters."


def _csv_message(exc: csv.Error) -> str:
    text = str(exc)
    if text.startswith("field larger than field limit"):  # the csv module's own limit
        return _TOO_LONG
    if text.startswith("unexpected end of data"):
        return (
            'A quote (") opened here is never closed, so the rows after it would merge into '
            "one cell. Close the quote or remove it."
        )
    if "expected after" in text:
        return (
            'Text follows a closing quote ("): a quote opened on this line is not closed '
            "where the cell ends. Close the quote or remove it."
        )
    return f"This line is not valid CSV ({text})."


def creators_csv_read(data: bytes) -> list[tuple[int, dict[str, str]]]:
    """The records of a creators CSV as (line number, {column: cell}) for IMPORT_COLUMNS
    that the header names (a missing column is absent, a short row's cell ""). Raises
    CsvFileError on the first problem with the file itself."""
    if len(data) > MAX_IMPORT_BYTES:
        raise CsvFileError(0, "The file is larger than 2 MB.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvFileError(
            data.count(b"\n", 0, exc.start) + 1,
            "The file is not UTF-8 text. Export it as CSV UTF-8.",
        ) from None
    nul = text.find("\x00")
    if nul >= 0:
        raise CsvFileError(
            text.count("\n", 0, nul) + 1,
            "The file has a NUL byte in it: it is not a CSV text file.",
        )
    try:
        sniffed = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        delimiter, skip_space = sniffed.delimiter, sniffed.skipinitialspace
    except csv.Error:
        delimiter, skip_space = ",", False
    # Only the delimiter (and spaces after it) are guessed: quoting is what spreadsheets write
    # (RFC 4180: `"` quotes, `""` inside), so a quote that does not close where its cell ends
    # is an error in strict mode (the sniffer's doublequote=False would let it through).
    reader = csv.reader(
        io.StringIO(text, newline=""),
        csv.excel,
        delimiter=delimiter,
        skipinitialspace=skip_space,
        strict=True,
    )
    records: list[tuple[int, dict[str, str]]] = []
    index: dict[str, int] | None = None
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise CsvFileError(line, _csv_message(exc)) from None
        if any(len(cell) > MAX_CELL_CHARS for cell in row):
            raise CsvFileError(line, _TOO_LONG)
        if index is None:
            header = [h.strip().lower() for h in row]
            if "name" not in header:
                raise CsvFileError(
                    line, "The first row must name the columns: name, email, handle."
                )
            index = {col: header.index(col) for col in IMPORT_COLUMNS if col in header}
            continue
        if not any(cell.strip() for cell in row):
            continue
        values = {col: (row[i] if i < len(row) else "") for col, i in index.items()}
        for col, value in values.items():
            if any(brk in value for brk in LINE_BREAKS):
                raise CsvFileError(
                    line,
                    f'The {col} runs over several lines: is a closing quote (") missing? '
                    "Close the quote or remove it.",
                )
        records.append((line, values))
    return records
