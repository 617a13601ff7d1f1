"""What read_csv would lose or misreport: over-long lines and quoted values, NUL bytes and other
control characters, line breaks inside quoted values. Each is refused where it is, saying what
was found. Lengths are counted here from the text written, in bytes; the limit is 2,000,000."""

from .helpers import REPORT, accept, places, query, refuse, write

HEADER = ",".join(REPORT)
MIB = 1 << 20


def line(report_id: str, categories: str = "other") -> str:
    """A line of reports.csv with the given id and categories."""
    values = REPORT | {"report_id": report_id, "categories": categories}
    return ",".join(values.values())


def reports_file(tmp_path, *lines: str, newline: str = "\n"):
    return write(tmp_path / "x", "reports.csv", newline.join([HEADER, *lines, ""]))


def test_line_longer_than_read_csv_buffer_is_refused_with_its_length(tmp_path, stored_db):
    # read_csv dropped a line of more than 32 MiB without a word, and reported success
    long = line("R3", "x" * (33 * MIB))
    error = refuse([reports_file(tmp_path, line("R2"), long, line("R4"))], stored_db)
    assert places(error) == [("reports.csv", 3, None, None)]
    assert f"this line is {len(long):,} bytes long" in error.problems[0].expected
    assert error.at_least  # the file's other lines were not checked


def test_long_quoted_value_is_refused_with_its_length_not_as_an_open_quote(tmp_path, stored_db):
    # read_csv reported "a quote is not closed" on line 2, the line before it
    value = "R3" + "x" * (40 * MIB)
    error = refuse([reports_file(tmp_path, line("R2"), line(f'"{value}"'))], stored_db)
    assert places(error) == [("reports.csv", 3, None, None)]
    assert f"quoted value of at most 2,000,000 bytes (the one whose quote opens on this line " \
        f"is {len(value):,} bytes long" in error.problems[0].expected  # fmt: skip
    assert "not closed" not in error.problems[0].expected


def test_long_quoted_value_over_many_lines_is_refused_at_its_first_line(tmp_path, stored_db):
    value = "\r\n".join(["y" * 999] * 3000)  # 3,000 lines of 1,001 bytes, less the last break
    text = line("R2") + "\r\n" + line("R3") + "\r\n" + line(f'"{value}"', "other")
    error = refuse([reports_file(tmp_path, text, newline="\r\n")], stored_db)
    assert places(error) == [("reports.csv", 4, None, None)]
    assert f"is {len(value):,} bytes long" in error.problems[0].expected


def test_unclosed_quote_running_to_the_end_is_said_so(tmp_path, stored_db):
    rest = "\n".join(line(f"R{i}") for i in range(40_000))  # over 2,000,000 bytes
    error = refuse([reports_file(tmp_path, line("R2"), '"R3,' + rest)], stored_db)
    assert places(error) == [("reports.csv", 3, None, None)]
    length = len("R3," + rest + "\n")
    assert f"the rest of the file, {length:,} bytes, would be one value" in (
        error.problems[0].expected
    )


def test_line_at_the_limit_is_read_and_one_byte_more_is_not(tmp_path, stored_db):
    start = line("R3", "")
    at_limit = start.replace(",,", "," + "x" * (2_000_000 - len(start)) + ",")
    assert len(at_limit) == 2_000_000
    error = refuse([reports_file(tmp_path, line("R2"), at_limit)], stored_db)
    assert places(error) == [("reports.csv", 3, "categories", at_limit.split(",")[3])]
    over = at_limit.replace("R3", "R33")
    error = refuse([reports_file(tmp_path, line("R2"), over)], stored_db)
    assert "(this line is 2,000,001 bytes long" in error.problems[0].expected


def test_quote_inside_an_unquoted_value_is_not_taken_for_a_long_value(tmp_path, db_path):
    # the quotes after it are odd in number up to the end, but it opens no quoted value
    rest = [line(f"R{i}") for i in range(5, 40_000)]  # over 2,000,000 bytes, no quote
    accept([reports_file(tmp_path, line("R2"), line('R3x"y'), *rest)], db_path)
    assert query(db_path, "select count(*) from reports where report_id = 'R3x\"y'") == [(1,)]


def test_nul_byte_past_the_first_64_kib_is_refused_at_its_line_and_column(tmp_path, stored_db):
    lines = [line(f"R{i}") for i in range(2, 2002)]  # about 100 KiB before it
    lines.append(line("RX\x00Y"))
    error = refuse([reports_file(tmp_path, *lines)], stored_db)
    assert places(error) == [("reports.csv", 2002, "report_id", "RX\x00Y")]
    assert "(found a NUL byte at character 3)" in error.problems[0].expected


def test_nul_byte_early_in_the_file_is_refused_at_its_line_and_column(tmp_path, stored_db):
    nul_reference = "referral_id,report_id,force,referred_at,assessment,assessed_at\n" \
        "F9,R1\x00,kent,2024-03-04,pending,\n"  # fmt: skip
    error = refuse([write(tmp_path / "x", "referrals.csv", nul_reference)], stored_db)
    assert ("referrals.csv", 2, "report_id", "R1\x00") in places(error)
    assert "a NUL byte at character 3" in error.problems[0].expected


def test_nul_byte_in_the_header_is_binary_content(tmp_path, stored_db):
    error = refuse([write(tmp_path / "x", "reports.csv", "r\x00e\x00p\x00\n")], stored_db)
    assert places(error) == [("reports.csv", 1, None, None)]
    assert "binary content" in error.problems[0].expected


def test_quoted_line_breaks_and_tabs_in_an_id_are_named(tmp_path, stored_db):
    ids = ['"R2\rZ"', '"R3\nZ"', '"R4\tZ"', '"R5\x1bZ"']
    error = refuse([reports_file(tmp_path, *(line(i) for i in ids))], stored_db)
    found = [p.expected.split("(found ")[1] for p in error.problems]
    assert found == [
        "a carriage return (CR) at character 3)",
        "a line feed (LF) at character 3)",
        "a tab at character 3)",
        "control character U+001B at character 3)",
    ]
    # each quoted line break starts a line of the file: R3 is on line 4, R4 on 6, R5 on 7
    assert [p[1:3] for p in places(error)] == [(2, "report_id"), (4, "report_id"),
                                               (6, "report_id"), (7, "report_id")]  # fmt: skip


def test_quoted_carriage_return_is_not_blamed_for_odd_line_endings(tmp_path, stored_db):
    # line 3 holds a CR inside quotes; line 6 is the first to end differently (CRLF, not LF)
    text = "\n".join([HEADER, line("R2"), line('"R3\rZ"'), line("R4"), line("R5") + "\r",
                      line("R6"), ""])  # fmt: skip
    error = refuse([write(tmp_path / "x", "reports.csv", text)], stored_db)
    assert places(error) == [("reports.csv", 6, None, None)]
    assert "this line ends in CRLF, the first in LF" in error.problems[0].expected


def test_a_long_file_of_ordinary_lines_is_read_whole(tmp_path, db_path):
    # over two blocks of the scan, with CRLF line breaks falling across the blocks' ends
    lines = [line(f"R{i:06}") for i in range(60_000)]
    accept([reports_file(tmp_path, *lines, newline="\r\n")], db_path)
    assert query(db_path, "select count(*) from reports") == [(60_000,)]
