"""Oversight: statistics for the Police Anti-Corruption and Abuse Reporting Service."""

__version__ = "0.1.0"
