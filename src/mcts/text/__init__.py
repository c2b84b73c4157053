"""Revealing hidden text and displaying untrusted text safely.

``escape`` makes any string from a server safe to print in a terminal, a web page or a SARIF viewer;
``invisible`` finds characters a person cannot see but a model reads.
"""
