"""A force briefing: what a Police and Crime Commissioner takes into the accountability meeting
with the chief constable (README, "A force briefing").

content.py assembles the figures from the functions the pages use (one code path: the command
line and the Forces page's button both build it from a query runner), questions.py writes the
questions the figures support, render.py turns it into one self-contained HTML file and pdf.py
prints that with headless chromium. download.py is the Forces page's button (Streamlit).
"""
