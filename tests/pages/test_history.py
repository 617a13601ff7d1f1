"""The browser's Back and Forward buttons (issue 11, defect 1): Streamlit reruns the page with the
address of the history entry, and the sidebar then shows that entry's filters, not the ones
chosen since. (tests/system/test_charts_browser.py presses Back in a real browser.)"""


def test_an_address_with_other_filters_than_written_wins(open_page):
    app = open_page("app_pages/overview.py", query={"period": "national"})
    app.sidebar.selectbox(key="f_period").set_value("fy2024").run()
    app.sidebar.multiselect(key="f_channels").set_value(["online"]).run()
    assert app.query_params["period"] == "fy2024" and app.query_params["channel"] == "online"

    # Back: the entry before the channel was chosen
    del app.query_params["channel"]
    app.run()
    assert app.sidebar.selectbox(key="f_period").value == "fy2024"
    assert app.sidebar.multiselect(key="f_channels").value == []
    # Back again: the entry before the period was changed
    app.query_params["period"] = "national"
    app.run()
    assert app.sidebar.selectbox(key="f_period").value == "national"
    assert "Since national launch" in app.sidebar.selectbox(key="f_period").format_func("national")
    assert not app.exception


def test_an_address_without_filters_keeps_the_session_s_filters(open_page):
    """A page change clears the address: the filters chosen stay, and are written back."""
    app = open_page("app_pages/overview.py", query={"period": "pilot", "channel": "phone"})
    app.query_params.clear()
    app.run()
    assert app.sidebar.selectbox(key="f_period").value == "pilot"
    assert app.sidebar.multiselect(key="f_channels").value == ["phone"]
    assert app.query_params["period"] == "pilot" and app.query_params["channel"] == "phone"
