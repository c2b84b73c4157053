# ruff: noqa -- a fixture: deliberately vulnerable handler code for the handler-sinks tests
"""OK: parameterised queries, constants, validated identifiers."""

import sqlite3

from mcp.server.fastmcp import FastMCP

mcp = FastMCP("crm")
TABLES = {"customers", "orders"}


def _db() -> sqlite3.Connection:
    return sqlite3.connect("crm.db")


@mcp.tool()
def find_customer(name: str) -> list:
    """Find customers by name."""
    cur = _db().cursor()
    cur.execute("SELECT id, name FROM customers WHERE name LIKE ?", (f"%{name}%",))
    return cur.fetchall()


@mcp.tool()
def orders_since(customer_id: int, since: str) -> list:
    """Orders of a customer since a date."""
    sql = "SELECT * FROM orders WHERE customer_id = :cid AND created_at >= :since"
    return _db().execute(sql, {"cid": customer_id, "since": since}).fetchall()


@mcp.tool()
def count_rows(table: str) -> int:
    """Count the rows of an allowed table."""
    if table not in TABLES:
        raise ValueError("unknown table")
    return _db().execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


@mcp.tool()
def page(limit: int = 20) -> list:
    """First rows of the customers table."""
    return _db().execute(f"SELECT * FROM customers LIMIT {int(limit)}").fetchall()
