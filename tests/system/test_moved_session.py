"""A page whose server has gone (a replica died) reconnects to another server and starts a new
session there; its next rerun carries the widgets' values, the user's latest choice, while its
address still holds the choice before it. The new session must draw the user's choice
(sidebar._sent_by_the_page). Driven over the websocket as Streamlit's page does, against a real
server; tests/system/test_replicas.py does it in a browser behind nginx."""

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.sync.client import connect

from oversight.db import connect_read_only
from oversight.filters import period_presets
from oversight.status import data_status
from tests.system.served import serve


def _rerun(ws, query: str, states: list[WidgetState] = ()) -> list[ForwardMsg]:
    request = BackMsg()
    request.rerun_script.query_string = query
    request.rerun_script.page_name = "overview"
    request.rerun_script.widget_states.widgets.extend(states)
    ws.send(request.SerializeToString())
    messages = []
    while True:
        message = ForwardMsg()
        message.ParseFromString(ws.recv(timeout=120))
        messages.append(message)
        if message.WhichOneof("type") == "script_finished":
            return messages


def _elements(messages: list[ForwardMsg], kind: str) -> list:
    return [
        getattr(m.delta.new_element, kind)
        for m in messages
        if m.WhichOneof("type") == "delta"
        and m.delta.WhichOneof("type") == "new_element"
        and m.delta.new_element.WhichOneof("type") == kind
    ]


def test_a_page_that_moved_server_keeps_the_filter_the_user_just_chose(demo_db, tmp_path):
    with connect_read_only(demo_db) as con:
        status = data_status(con)
    presets = period_presets(
        status.first_received_date, status.last_received_date, status.as_at_date
    )
    last12 = presets["last12"]
    with serve(demo_db, tmp_path / "server.log") as url:
        stream = url.replace("http://", "ws://") + "/_stcore/stream"
        with connect(stream, subprotocols=["streamlit"], max_size=None) as first:
            (period_box,) = _elements(_rerun(first, "period=all"), "selectbox")
        # a new session, as after the move: the address says "all", the page's box "last 12"
        chosen = WidgetState(id=period_box.id, string_value=last12.label)
        with connect(stream, subprotocols=["streamlit"], max_size=None) as moved:
            messages = _rerun(moved, "period=all", [chosen])
    captions = [caption.body for caption in _elements(messages, "markdown")]
    assert f"{last12.first:%d %b %Y} to {last12.last:%d %b %Y}" in captions
    written = [
        m.page_info_changed.query_string
        for m in messages
        if m.WhichOneof("type") == "page_info_changed"
    ]
    assert written == ["period=last12"]
    every = presets["all"]
    assert f"{every.first:%d %b %Y} to {every.last:%d %b %Y}" not in captions
