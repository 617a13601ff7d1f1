"""The shared sidebar filters: read from the URL, kept across pages, written back to the URL."""


def test_filters_from_the_url_survive_a_page_change(open_page):
    app = open_page("app_pages/overview.py", query={"period": "pilot", "force": "metropolitan",
                                                "channel": "online"})  # fmt: skip
    app.switch_page("app_pages/fairness.py").run()
    assert not app.exception
    assert app.sidebar.selectbox(key="f_period").value == "pilot"
    assert app.sidebar.multiselect(key="f_forces").value == ["metropolitan"]
    assert app.sidebar.multiselect(key="f_channels").value == ["online"]
    assert app.query_params["period"] == "pilot"
    assert app.query_params["force"] == "metropolitan"


def test_the_role_of_the_person_reported_survives_a_page_change(open_page):
    app = open_page("app_pages/overview.py", query={"period": "fy2024", "role": "officer"})
    app.switch_page("app_pages/reports.py").run()
    assert not app.exception
    roles = app.sidebar.multiselect(key="f_subject_roles")
    assert roles.value == ["officer"]
    assert roles.label == "Role of the person reported"
    assert roles.placeholder == "Officers, staff and volunteers"
    assert app.query_params["role"] == "officer"
    roles.set_value([]).run()
    assert "role" not in app.query_params


def test_a_changed_filter_is_written_to_the_url(open_page):
    app = open_page("app_pages/overview.py", query={"period": "national"})
    app.sidebar.selectbox(key="f_period").set_value("fy2024").run()
    app.sidebar.multiselect(key="f_categories").set_value(["domestic_abuse", "other"]).run()
    assert app.query_params["period"] == "fy2024"
    assert app.query_params["category"] == ["domestic_abuse", "other"]


def test_custom_dates_outside_the_data_do_not_break_the_sidebar(open_page):
    query = {"period": "custom", "from": "2019-01-01", "to": "2019-12-31"}
    app = open_page("app_pages/overview.py", query=query)
    assert not app.exception
    assert any("No reports match" in info.value for info in app.info)
