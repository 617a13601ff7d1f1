"""A force user's own snapshot, from the Forces page's button through the file it downloads:
made on the click, on a thread with no session (as Streamlit makes it), for Kent alone, and on
the audit log as a snapshot."""

import io
import json
import shutil
import zipfile

from oversight import audit
from tests.pages.conftest import on_another_thread

LABEL = "Download your force's snapshot (zip: tables, spreadsheet, report, cover note)"


def test_the_snapshot_download_is_kents_alone_and_on_record(
    app_as, demo_database, tmp_path, made_on_click
):
    db_path = tmp_path / "data.duckdb"
    shutil.copy(demo_database, db_path)
    app = app_as("pcc@kent.example", {"period": "fy2025"}, db=db_path)
    app.switch_page("app_pages/forces.py").run()
    assert not app.exception, app.exception
    name = "oversight_snapshot_kent_2025-04-01_2026-03-31_internal.zip"
    assert LABEL in [b.proto.label for b in app.get("download_button")]
    assert name in made_on_click

    data = on_another_thread(made_on_click[name])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        folder = name.removesuffix(".zip")
        metadata = json.loads(archive.read(f"{folder}/metadata.json"))
        by_force = archive.read(f"{folder}/reports_by_force.csv").decode()
        cover = archive.read(f"{folder}/README.md").decode()
    assert metadata["forces"] == [{"force_code": "kent", "force_name": "Kent Police"}]
    assert [line.split(",")[0] for line in by_force.splitlines()[1:]] == ["kent"]
    assert "Internal snapshot of Kent Police" in cover

    audit.flush(db_path)
    log = audit.events(db_path)
    made = log.loc[log["event"] == audit.SNAPSHOT]
    assert made["user_id"].tolist() == ["pcc@kent.example"]
    assert made["page"].tolist() == ["Forces"]
    detail = json.loads(made["detail"].iat[0])
    assert detail == {"file": name, "forces": ["kent"], "period": "2025-04-01 to 2026-03-31"}
