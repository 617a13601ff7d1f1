"""The server settings shipped for a deployment (.streamlit/config.toml), each one that keeps
the dashboard safe on a network."""

import tomllib

from oversight.settings import PROJECT_ROOT

SHIPPED = {
    ("server", "headless"): True,
    ("server", "enableXsrfProtection"): True,
    ("server", "enableCORS"): True,
    ("server", "maxUploadSize"): 200,
    ("server", "fileWatcherType"): "none",
    ("browser", "gatherUsageStats"): False,
    ("client", "showErrorDetails"): "none",
}


def test_the_shipped_server_settings():
    config = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text())
    found = {(section, name): config.get(section, {}).get(name) for section, name in SHIPPED}
    assert found == SHIPPED
