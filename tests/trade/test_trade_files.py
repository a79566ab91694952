"""Hostile trade files: each refused with the file, line and column that did not fit,
by both engines; what is merely unusual (leading zeros, blank q) is read."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kjmatch.errors import DataError, RequestError
from kjmatch.model import Dataset
from kjmatch.trade.facts import import_files
from tradedata import BACI_ROWS, write_baci

ENGINES = ["python", "duckdb"]


def refused(ds: Dataset, files: list[Path], engine: str) -> str:
    with pytest.raises(DataError) as exc:
        import_files(ds, files, engine=engine)
    return str(exc.value)


def with_row(row: str) -> str:
    return BACI_ROWS + row + "\n"


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("row", "where", "words"),
    [
        ("2022,392,410,39202A,5,", ":12:14:", "k (product): '39202A' is not a 6-digit HS code"),
        ("2022,392,410,3920,5,", ":12:14:", "'3920' is not a 6-digit HS code"),
        ("2022,392,410,392020,-5,", ":12:21:", "v (value): '-5' is not a non-negative number"),
        ("2022,392,410,392020,,", ":12:21:", "v (value): '' is not"),
        ("2022,KR,410,392020,5,", ":12:6:", "i (exporter): 'KR' is not a whole number"),
        ("2022,392,410,392020,5,lots", ":12:23:", "q (quantity): 'lots'"),
        ("2022,392,410,392020,5", ":12:", "5 fields; a BACI row has 6"),
        # QA round 2: a stray row of another year became "Korea supplied 100% … in 2021"
        ("2021,410,392,854232,1000000.0,2.0", ":12:1:", "t (year): 2021 in a file named for 2022"),
    ],
)
def test_a_bad_row_is_located(
    tmp_path: Path, bundled: Dataset, engine: str, row: str, where: str, words: str
) -> None:
    message = refused(bundled, write_baci(tmp_path, with_row(row)), engine)
    assert where in message and words in message, message
    assert "BACI_HS22_Y2022_V202401.csv" in message


@pytest.mark.parametrize("engine", ENGINES)
def test_every_bad_row_of_every_file_is_reported_at_once(
    tmp_path: Path, bundled: Dataset, engine: str
) -> None:
    """QA finding 7: three bad rows took three runs; now one run names them all, in the
    trade file and the country-code file, with either engine."""
    files = write_baci(tmp_path)
    raw = with_row("2022,392,410,39202A,5,") + "2022,392,410,392020,-4,\n"
    files[0].write_bytes(raw.encode() + b"2022,392,410,392020,5,\xff\n2022,392,410,3920\n")
    with files[1].open("a", encoding="utf-8") as f:
        f.write("x56,China,CN,CHN\n")
    with pytest.raises(DataError) as exc:
        import_files(bundled, files, engine=engine)
    got = [(Path(p.file).name, p.line, p.col, p.message[:20]) for p in exc.value.problems]
    assert got == [
        ("BACI_HS22_Y2022_V202401.csv", 12, 14, "k (product): '39202A"),
        ("BACI_HS22_Y2022_V202401.csv", 13, 21, "v (value): '-4' is n"),
        ("BACI_HS22_Y2022_V202401.csv", 14, 23, "byte 0xff is not UTF"),
        ("BACI_HS22_Y2022_V202401.csv", 15, 18, "4 fields; a BACI row"),
        ("country_codes_V202401.csv", 7, 1, "country_code 'x56' i"),
    ]
    assert exc.value.omitted == 0


@pytest.mark.parametrize("engine", ENGINES)
def test_bad_rows_past_the_first_fifty_are_counted(
    tmp_path: Path, bundled: Dataset, engine: str
) -> None:
    files = write_baci(tmp_path, BACI_ROWS + "2022,392,410,39202A,5,\n" * 1234)
    with pytest.raises(DataError) as exc:
        import_files(bundled, files, engine=engine)
    assert [p.line for p in exc.value.problems] == list(range(12, 62))
    assert exc.value.omitted == 1234 - 50


@pytest.mark.parametrize("engine", ENGINES)
def test_non_utf8_is_located_to_the_byte(tmp_path: Path, bundled: Dataset, engine: str) -> None:
    files = write_baci(tmp_path)
    files[0].write_bytes(BACI_ROWS.encode() + b"2022,392,410,392020,5,\xff\n")
    message = refused(bundled, files, engine)
    assert ":12:23:" in message and "byte 0xff is not UTF-8" in message


@pytest.mark.parametrize("engine", ENGINES)
def test_a_huge_line_is_refused(tmp_path: Path, bundled: Dataset, engine: str) -> None:
    files = write_baci(tmp_path)
    files[0].write_text(BACI_ROWS + "2022,392,410,392020,5," + "9" * (2 << 20) + "\n")
    message = refused(bundled, files, engine)
    assert ":12:" in message and ("longer than" in message or "q (quantity)" in message)


@pytest.mark.parametrize(
    ("header", "words"),
    [
        ("t,i,j,hs,v,q", ":1:7: column 4 is 'hs'; a BACI file has columns t,i,j,k,v,q"),
        ("t,i,j,k,v", "5 columns; a BACI file has exactly 6"),
        ("year,exporter,importer,product,value", ":1:1: not a trade file"),
        ("code,description", "BACI's product-code list, not a trade file"),
        ("refYear,reporterCode,flowCode,cmdCode", "a UN Comtrade file needs primaryValue, partner"),
    ],
)
def test_wrong_columns_are_named(tmp_path: Path, bundled: Dataset, header: str, words: str) -> None:
    path = tmp_path / "BACI_HS22_Y2022_V202401.csv"
    path.write_text(header + "\n2022,1,2,3,4,5\n", encoding="utf-8")
    assert words in refused(bundled, [path], "python")


def test_an_empty_file_is_refused(tmp_path: Path, bundled: Dataset) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    assert "empty file" in refused(bundled, [path], "python")


@pytest.mark.parametrize("engine", ENGINES)
def test_leading_zeros_kept_and_dropped_ones_restored(
    tmp_path: Path, bundled: Dataset, engine: str
) -> None:
    # 010121 written as a string, and 10121 as a tool that read it as a number writes it
    rows = "t,i,j,k,v,q\n2022,392,410,010121,5,\n2022,392,410,10121,7,NA\n2022,392,410,850760,9,\n"
    result = import_files(bundled, write_baci(tmp_path, rows), engine=engine)
    assert result.rows == 3
    # the figures hold the dataset's codes; the horses of HS 0101.21 are not among them,
    # but they count in Japan's total exports: RCA of JP in 8507.60 = (9/21)/(9/21) = 1
    cells = next(b for b in result.baskets if b["key"] == "8507.60")
    assert cells["rca"][0]["JP"] == 1.0


def test_revision_mismatch_is_refused_naming_both(tmp_path: Path, bundled: Dataset) -> None:
    files = write_baci(tmp_path, name="BACI_HS17_Y2022_V202401.csv")
    with pytest.raises(RequestError) as exc:
        import_files(bundled, files)
    assert "HS17" in str(exc.value) and "HS22" in str(exc.value)
    assert exc.value.field == "concordance"


def test_a_concordance_maps_the_file_revision(tmp_path: Path, bundled: Dataset) -> None:
    rows = "t,i,j,k,v,q\n2022,392,410,392099,60,\n2022,156,410,392099,40,\n"
    files = write_baci(tmp_path, rows, name="BACI_HS17_Y2022_V202401.csv")
    table = tmp_path / "hs17_hs22.csv"
    table.write_text("HS17,HS22\n392099,392020\n", encoding="utf-8")
    result = import_files(bundled, files, concordance=table)
    sep = next(b for b in result.baskets if b["key"] == "3920.20")
    row = next(r for r in sep["imports"] if r["importer"] == "KR")
    assert row["partners"][0] == {
        "partner": "JP", "code": 392, "name": "Japan", "value_usd": 60000.0,
        "share": 0.6, "third": False,
    }  # fmt: skip


def test_two_files_of_one_year_are_refused(tmp_path: Path, bundled: Dataset) -> None:
    files = write_baci(tmp_path)
    other = tmp_path / "BACI_HS22_Y2022_V202501.csv"
    other.write_text(BACI_ROWS, encoding="utf-8")
    with pytest.raises(RequestError, match="two files hold year 2022"):
        import_files(bundled, [*files, other])


def test_country_file_alone_is_not_enough(tmp_path: Path, bundled: Dataset) -> None:
    files = write_baci(tmp_path)
    with pytest.raises(RequestError, match="no trade file"):
        import_files(bundled, files[1:])


@given(
    st.lists(st.text(alphabet='ab,"= 1', max_size=6), min_size=1, max_size=6).filter(
        lambda fs: fs != [""]
    )
)
def test_split_finds_each_fields_own_column(fields: list[str]) -> None:
    """Whatever the quoting, each field is read back and its column is where it starts
    in the line: right after the delimiter before it (QA round 5: quoted cells were
    located at the wrong column)."""
    import csv
    import io

    from kjmatch.trade.files import split

    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(fields)
    line = buf.getvalue()
    got, cols = split(line, ",")
    assert got == fields
    assert cols[0] == 1
    for c in cols[1:]:
        assert line[c - 2] == ","
    # each field's raw text, from its column to the next one's delimiter, reads back alone
    ends = [c - 1 for c in cols[1:]] + [len(line) + 1]
    for f, c, e in zip(fields, cols, ends, strict=True):
        raw = line[c - 1 : e - 1]
        assert next(csv.reader([raw])) == [f] if raw else f == ""
