"""The hostile values, and which of them each kind of field gets.

Every value has a short label: the failure list names it, not 100 KB of it.
"""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import dataclass

# The script a page must never give back unescaped. Its marker is searched for raw.
SCRIPT = '"><script>hostile_sweep()</script><img src=x onerror=hostile_sweep()>'
SCRIPT_MARKERS = ("<script>hostile_sweep()", "<img src=x onerror=hostile_sweep()")

TEXT: list[tuple[str, str]] = [
    ("empty", ""),
    ("100 KB", "é" * 50_000 + "a" * 2_400),
    ("NUL byte", "avant\x00après"),
    ("RTL override and emoji", "\u202egnp.exe\u202c 🥖👩🏽‍🍳🇫🇷 ‮"),
    ("HTML and script", SCRIPT),
    ("formula =", '=HYPERLINK("http://x.example","x")'),
    ("formula +", "+33 1 23 45 67 89"),
    ("formula -", "-2+3+cmd|' /C calc'!A0"),
    ("formula @", "@SUM(1+1)*cmd|' /C calc'!A0"),
    ("line breaks (CR, LF, a header)", "Lumière\r\nBcc: x@example.com\rfin"),
]
NUMBERS: list[tuple[str, str]] = [
    ("huge number", "99999999999999999999999"),
    ("huge negative number", "-99999999999999999999999"),
    ("negative number", "-1"),
    ("money beyond the column", "9999999999.999"),
    ("not a number", "1e999"),
]
DATES: list[tuple[str, str]] = [
    ("year 1", "0001-01-01"),
    ("year 9999", "9999-12-31"),
    ("year 1, with a time", "0001-01-01T00:00"),
    ("year 9999, with a time", "9999-12-31T23:59"),
]
# "another workspace's id" is added per field by the sweep (it knows the other tenant).
IDS: list[tuple[str, str]] = [
    ("an id that does not exist", "987654321"),
    ("a 23-digit id", "12345678901234567890123"),
    ("id abc", "abc"),
    ("id -1", "-1"),
]

NUMBER_KINDS = {"number", "range"}
DATE_KINDS = {"date", "datetime-local", "time", "month", "week"}
CHOICE_KINDS = {"select", "checkbox", "radio", "hidden"}
TEXT_KINDS = {"text", "textarea", "search", "email", "url", "tel", "password"}

# One submission per field and value, the other fields as found: what each field alone
# must survive (and where the form, refused, must keep the other fields).
ONE_BY_ONE = {"empty", "100 KB", "NUL byte", "HTML and script"}


def one_by_one(kinds: set[str]) -> list[tuple[str, str]]:
    """The values a field of these kinds gets, one submission each."""
    found = [(label, value) for label, value in TEXT if label in ONE_BY_ONE]
    if kinds & (NUMBER_KINDS | {"text", "hidden"}):
        found.append(NUMBERS[0])  # huge
    if kinds & DATE_KINDS:
        found += [DATES[0], DATES[2]] if kinds & {"datetime-local"} else [DATES[0]]
    if kinds & CHOICE_KINDS:
        found += [IDS[0], IDS[1]]  # does not exist; 23 digits
    return found


def all_at_once() -> list[tuple[str, set[str], str]]:
    """The other values, each put in every field of the kinds it is meant for at once
    (the form's other fields as found): formulas and RTL text in text fields, out-of-range
    numbers in number fields, and so on. (label, kinds, value)"""
    text = TEXT_KINDS | {"textarea"}
    rest = [(label, text, value) for label, value in TEXT if label not in ONE_BY_ONE]
    rest += [(label, NUMBER_KINDS, value) for label, value in NUMBERS[1:]]
    rest += [(DATES[1][0], DATE_KINDS - {"datetime-local"}, DATES[1][1])]
    rest += [(DATES[3][0], {"datetime-local"}, DATES[3][1])]
    rest += [(label, CHOICE_KINDS, value) for label, value in IDS[2:]]
    return rest


# --- Files -------------------------------------------------------------------------------


@dataclass(frozen=True)
class HostileFile:
    label: str
    name: str
    content: bytes
    content_type: str


def _png_header(width: int, height: int) -> bytes:
    """A PNG whose header declares width × height pixels, with one tiny compressed row."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 16)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _mp4_truncated() -> bytes:
    # An ftyp box, then a moov box that announces 1 MB and stops after 8 bytes.
    ftyp = struct.pack(">I", 24) + b"ftypisom" + b"\x00\x00\x02\x00" + b"isomiso2"
    return ftyp + struct.pack(">I", 1_000_000) + b"moov" + b"\x00" * 8


def _mp4_mvhd_cut() -> bytes:
    # Boxes whose sizes agree, but the movie header (mvhd) stops after its version field.
    ftyp = struct.pack(">I", 24) + b"ftypisom" + b"\x00\x00\x02\x00" + b"isomiso2"
    mvhd = struct.pack(">I", 12) + b"mvhd" + b"\x00\x00\x00\x00"
    return ftyp + struct.pack(">I", 8 + len(mvhd)) + b"moov" + mvhd


def _real_png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, "PNG")
    return out.getvalue()


def media_files() -> list[HostileFile]:
    png = _real_png()
    return [
        HostileFile("empty file", "vide.png", b"", "image/png"),
        HostileFile("not an image", "photo.png", b"MZ\x90\x00 this is not a picture", "image/png"),
        HostileFile("truncated PNG header", "coupe.png", png[:20], "image/png"),
        HostileFile(
            "PNG declaring 50,000 x 50,000 pixels",
            "bombe.png",
            _png_header(50_000, 50_000),
            "image/png",
        ),
        HostileFile("truncated MP4 header", "coupe.mp4", _mp4_truncated(), "video/mp4"),
        HostileFile("MP4 header cut inside mvhd", "mvhd.mp4", _mp4_mvhd_cut(), "video/mp4"),
        HostileFile(
            "script as SVG",
            "x.svg",
            f"<svg xmlns='http://www.w3.org/2000/svg'>{SCRIPT}</svg>".encode(),
            "image/svg+xml",
        ),
        HostileFile("file name with script and NUL", f"{SCRIPT}\x00.png", png, "image/png"),
    ]


def csv_files(row: dict[str, str], extra: dict[str, list[str]]) -> list[HostileFile]:
    """Hostile CSV files for an import whose valid row is `row` (column → value).

    `extra` gives, per column, values worth a file each (a date in year 1 for a date).
    """
    columns = list(row)
    header = ",".join(columns)

    def line(cells: dict[str, str]) -> str:
        return ",".join('"' + v.replace('"', '""') + '"' for v in cells.values())

    def file(label: str, text: str, encoding: str = "utf-8") -> HostileFile:
        slug = "".join(c if c.isalnum() else "-" for c in label)[:30]
        return HostileFile(label, f"{slug}.csv", text.encode(encoding, "replace"), "text/csv")

    valid = line(row)
    files = [
        HostileFile("empty file", "vide.csv", b"", "text/csv"),
        file("header only", header + "\n"),
        file("a valid row", f"{header}\n{valid}\n"),
        file(
            "Latin-1, not UTF-8",
            f"{header}\n{line(row | {columns[-1]: 'pâtisserie'})}\n",
            "latin-1",
        ),
        file("UTF-16", f"{header}\n{valid}\n", "utf-16"),
        HostileFile("not a CSV at all", "x.csv", b"\x89PNG\r\n\x1a\n\x00\x00binary", "text/csv"),
        file("unbalanced quote", f'{header}\n"{valid}\n'),
        file("10,000 columns", f"{header}\n{valid}{',' * 10_000}\n"),
        file("10,000 empty lines", f"{header}\n" + "\n" * 10_000 + f"{valid}\n"),
        file("only the first column", f"{columns[0]}\nx\n"),
        file("semicolons", f"{header.replace(',', ';')}\n{valid.replace(',', ';')}\n"),
    ]
    for column in columns:
        files.append(
            file(
                f"a field over 128 KB in {column}",
                f"{header}\n{line(row | {column: 'x' * (129 * 1024)})}\n",
            )
        )
    for column in (columns[0], columns[-1]):
        files.append(
            file(f"NUL in {column}", f"{header}\n{line(row | {column: 'a' + chr(0) + 'b'})}\n")
        )
        files.append(
            file(f"formula in {column}", f"{header}\n{line(row | {column: '=HYPERLINK(1)'})}\n")
        )
        files.append(
            file(f"HTML and script in {column}", f"{header}\n{line(row | {column: SCRIPT})}\n")
        )
    for column, choices in extra.items():
        for value in choices:
            files.append(
                file(f"{column} {value[:30]!r}", f"{header}\n{line(row | {column: value})}\n")
            )
    return files
