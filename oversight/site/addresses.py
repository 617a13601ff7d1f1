"""Where each page and file of the site lives, relative to the site's root, and the relative
link from one to another (so that the site works from any folder, any host, or offline)."""

import posixpath

INDEX = "index.html"
STYLESHEET = "site.css"


def release_page(key: str) -> str:
    return f"{key}/index.html"


def map_page(key: str) -> str:
    return f"{key}/map.html"


def force_page(key: str, code: str) -> str:
    return f"{key}/forces/{code}.html"


def release_file(key: str, name: str) -> str:
    return f"{key}/files/{name}"


def link(page: str, target: str) -> str:
    """The relative address of target (a path from the root) from page (another)."""
    return posixpath.relpath(target, posixpath.dirname(page) or ".")
