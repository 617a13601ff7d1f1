"""The dashboard's and the snapshot's connection (db.connect_read_only) answers queries on the
database and nothing else: no query on it can read or write a file, attach another database,
load an extension or change a setting back."""

import pytest

from oversight.db import connect_read_only, run_query


@pytest.fixture(scope="module")
def con(demo_database):
    connection = connect_read_only(demo_database)
    yield connection
    connection.close()


def test_it_answers_the_queries(con, demo):
    assert int(
        run_query(con, "table_row_counts").set_index("table_name").loc["reports", "row_count"]
    ) == len(demo["reports"])


@pytest.mark.parametrize(
    "sql",
    [
        "select * from read_csv('/etc/passwd')",
        "select * from 'data/forces.csv'",
        "copy (select 1) to '/tmp/oversight_leak.csv'",
        "attach '/tmp/oversight_other.duckdb' as other",
        "install httpfs",
        "set enable_external_access = true",
        "set lock_configuration = false",
        "insert into live.reports select * from live.reports limit 1",
    ],
)
def test_it_refuses_everything_else(con, sql, tmp_path):
    cursor = con.cursor()
    with pytest.raises(Exception, match="(?i)permission|cannot change|read-only|read only"):
        cursor.execute(sql)
    cursor.close()
