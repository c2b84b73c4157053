# ruff: noqa -- a fixture: deliberately vulnerable handler code for the handler-sinks tests
"""OK: safe parsers and evaluation of constants only."""

import ast
import json
import pickle

import yaml
from fastmcp import FastMCP

mcp = FastMCP("calc")
CACHE = "/var/cache/calc/state.pkl"


@mcp.tool
def parse_literal(value: str) -> object:
    """Parse a Python literal (numbers, strings, lists) safely."""
    return ast.literal_eval(value)


@mcp.tool
def parse_config(document: str) -> dict:
    """Parse a YAML configuration."""
    return yaml.safe_load(document)


@mcp.tool
def parse_yaml_loader(document: str) -> dict:
    """Parse YAML with the safe loader class."""
    return yaml.load(document, Loader=yaml.SafeLoader)


@mcp.tool
def parse_json(payload: str) -> dict:
    """Parse a JSON payload."""
    return json.loads(payload)


@mcp.tool
def cached_state() -> dict:
    """Load the server's own cached state (not from an argument)."""
    with open(CACHE, "rb") as handle:
        return pickle.load(handle)


@mcp.tool
def version() -> str:
    """The server's version."""
    return str(eval("1 + 1"))
