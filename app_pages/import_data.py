"""Import an extract (admins only): upload CSV files or a workbook, see what they would add and
revise (a dry run), then import exactly those files. The checks and refusals are those of
`python -m oversight import` (oversight/upload.py runs the same importer)."""

import functools

import streamlit as st

from oversight import upload
from oversight.access import require_role
from oversight.activity import note_view, recorded
from oversight.dashboard import (
    check_settings,
    data_banner,
    database_path,
    ensure_database,
    stored_data_status,
)
from oversight.db import DatabaseError
from oversight.exports import csv_bytes, neutralise_formulas
from oversight.ledger import LedgerError

session = require_role("admin")  # the router shows this page to admins only; a direct run too

# the data file's import history (queries/import_history.sql) in plain words
HISTORY_COLUMNS = {"import_id": "Import", "imported_at": "Imported at",
                   "imported by": "Imported by", "synthetic": "Synthetic", "files": "Files",
                   "rows_read": "Rows read", "rows_added": "Added", "rows_revised": "Revised",
                   "rows_unchanged": "Unchanged"}  # fmt: skip
STAGED, CHECKED, DONE, ROUND = "import_staged", "import_checked", "import_done", "import_round"

check_settings()
db_path = database_path()
# page_setup would stop on an empty or missing database: here the first import makes one
if db_path.exists():
    ensure_database()
    data_banner(stored_data_status())
note_view()
st.title("Import an extract")
st.markdown(
    "Upload `reports.csv`, `referrals.csv` and/or `outcomes.csv`, or an `.xlsx` workbook with "
    "sheets named reports, referrals and outcomes. The files are checked against every rule of "
    "the data contract first, and nothing is written unless they pass; then you see what they "
    f"would add and revise, and import them. At most {upload.MAX_UPLOAD_MB} MB in all: import "
    "larger extracts with `python -m oversight import PATH`. Real and synthetic data are never "
    f"mixed in one database. This dashboard's database: `{db_path}`."
)


def show_problems(checked: upload.Checked) -> None:
    """A refusal: its message, and every problem in a table with a CSV download."""
    st.error(checked.message)
    if checked.problems.empty:
        return
    # values come from the uploaded files: neither the table nor its CSV may carry a formula
    st.dataframe(neutralise_formulas(checked.problems), hide_index=True, width="stretch")
    st.download_button(
        "Download the problems (CSV)",
        data=recorded("import_problems.csv", functools.partial(csv_bytes, checked.problems)),
        file_name="import_problems.csv",
        mime="text/csv",
        key="import_problems_csv",
        on_click="ignore",
    )


def run_with_status(label: str, work):
    """work(progress), its steps shown as they happen."""
    with st.status(label, expanded=False) as box:
        result = work(lambda step: box.update(label=f"{label} {step}…") or box.write(step))
        box.update(label=label + " Done.", state="complete" if result.accepted else "error")
    return result


st.session_state.setdefault(ROUND, 0)
uploaded = st.file_uploader(
    "Extract files",
    type=["csv", "xlsx"],
    accept_multiple_files=True,
    max_upload_size=upload.MAX_UPLOAD_MB,
    key=f"import_files_{st.session_state[ROUND]}",  # a new key empties it after an import
    help=f"CSV files or an .xlsx workbook, at most {upload.MAX_UPLOAD_MB} MB in all.",
)
files = [(f.name, f.getvalue()) for f in uploaded or []]
staged: upload.Staged | None = st.session_state.get(STAGED)
if files and (staged is None or staged.key != upload.upload_key(files)):
    # a new upload: its files are kept apart and checked afresh
    upload.discard(staged)
    st.session_state.pop(STAGED, None)
    st.session_state.pop(CHECKED, None)
    st.session_state.pop(DONE, None)
    try:
        staged = st.session_state[STAGED] = upload.stage_upload(files)
    except upload.UploadRefused as refused:
        staged = None
        show_problems(upload.Checked(False, str(refused), upload.problems_frame(refused.problems)))
    if staged is not None:
        st.session_state[CHECKED] = run_with_status(
            "Checking the files (a dry run: nothing is written).",
            lambda progress: upload.dry_run(staged, db_path, session.user, session.role, progress),
        )
elif not files:
    upload.discard(staged)
    staged = None
    st.session_state.pop(STAGED, None)
    st.session_state.pop(CHECKED, None)

checked: upload.Checked | None = st.session_state.get(CHECKED)
if staged is not None and checked is not None:
    if checked.warning:
        st.warning(checked.warning)
    if not checked.accepted:
        show_problems(checked)
    elif not checked.changes_something:
        st.info(checked.message)
    else:
        st.success(checked.message)
        st.dataframe(upload.changes_frame(checked.summary), hide_index=True, width="stretch")
        if st.button("Import these files", type="primary", key="import_confirm"):
            done = run_with_status(
                "Importing.",
                lambda progress: upload.import_staged(
                    staged, db_path, checked, session.user, session.role, progress
                ),
            )
            st.session_state[DONE] = done
            if done.accepted:
                upload.discard(staged)
                st.session_state.pop(STAGED, None)
                st.session_state.pop(CHECKED, None)
                st.session_state[ROUND] += 1

done: upload.Checked | None = st.session_state.get(DONE)
if done is not None:
    if done.warning:
        st.warning(done.warning)
    if not done.accepted:
        show_problems(done)
    else:
        as_at = f" The data is now as at {done.as_at_date:%d %B %Y}." if done.as_at_date else ""
        st.success(done.message + as_at + " Every page shows the new data from now on.")
        st.dataframe(upload.files_frame(done.summary), hide_index=True, width="stretch")

st.header("Import history")
try:
    if db_path.exists():
        st.subheader("Imports into this database")
        history = upload.with_importers(upload.import_history(db_path), db_path)
        st.dataframe(
            neutralise_formulas(history.rename(columns=HISTORY_COLUMNS)),
            hide_index=True,
            width="stretch",
        )
    st.subheader("Everything tried on this page, by whom")
    st.dataframe(
        neutralise_formulas(upload.import_events(db_path).rename(columns=str.capitalize)),
        hide_index=True,
        width="stretch",
    )
except (LedgerError, DatabaseError) as error:
    st.warning(f"The import history cannot be shown: {error}")
