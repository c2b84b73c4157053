"""Revealing hidden text and displaying untrusted text safely.

``reveal`` gives every reading of a string that analyzers match on (raw, revealed, decoded payloads), built
from ``invisible`` (characters a person cannot see but a model reads), ``confusables`` (look-alike letters),
``decode`` (base64, hex, percent and entity encodings), ``markup`` (comments and hidden markup) and ``prose``
(whether decoded text reads as language or an instruction). ``escape`` makes any string from a server safe to
print in a terminal, a web page or a SARIF viewer; ``redact`` masks credentials before they reach a report.
"""
