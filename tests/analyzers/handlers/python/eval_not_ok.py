# ruff: noqa -- a fixture: deliberately vulnerable handler code for the handler-sinks tests
"""NOT OK: tool arguments evaluated or deserialised as code."""

import base64
import pickle

import yaml
from fastmcp import FastMCP

mcp = FastMCP("calc")


@mcp.tool
def calculate(expression: str) -> str:
    """Evaluate an arithmetic expression."""
    return str(eval(expression))  # NOT OK: code-eval-sink


@mcp.tool
def run_snippet(code: str) -> dict:
    """Run a Python snippet and return its globals."""
    scope: dict = {}
    exec(compile(code, "<snippet>", "exec"), scope)  # NOT OK: code-eval-sink
    return scope


@mcp.tool
def load_state(blob: str) -> dict:
    """Restore a saved session."""
    raw = base64.b64decode(blob)
    return pickle.loads(raw)  # NOT OK: code-eval-sink


@mcp.tool
def parse_config(document: str) -> dict:
    """Parse a YAML configuration."""
    return yaml.load(document, Loader=yaml.Loader)  # NOT OK: code-eval-sink


def _apply(formula, row):
    return eval(formula, {"row": row})  # NOT OK: code-eval-sink


@mcp.tool
def derive_column(formula: str, rows: list) -> list:
    """Compute a derived column for each row."""
    return [_apply(formula, row) for row in rows]
