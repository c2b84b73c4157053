"""Analyzers: Inventory -> Findings. Adding an analyzer is adding one file here (see ``base.Analyzer``)."""
