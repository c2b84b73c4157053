"""Tests of the YARA-X rule engine and its rule families."""
