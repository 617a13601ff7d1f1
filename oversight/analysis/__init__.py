"""What each page (and a snapshot) shows, computed from named queries and oversight.measures.

Each module has one function per page returning the frames the page draws. They take a query
runner, run(name, **params) -> DataFrame, so the dashboard passes its cached runner and the
command line a plain one (functools.partial(oversight.db.run_query, con)): the same numbers
either way.
"""

from collections.abc import Callable

import pandas as pd

QueryRunner = Callable[..., pd.DataFrame]
