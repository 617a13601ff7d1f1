"""Outcomes and timeliness (being built)."""

import streamlit as st

st.title("Outcomes and timeliness")
