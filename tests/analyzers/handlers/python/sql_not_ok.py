# ruff: noqa -- a fixture: deliberately vulnerable handler code for the handler-sinks tests
"""NOT OK: SQL built by formatting tool arguments into the statement."""

import sqlite3

from mcp.server.fastmcp import FastMCP
from sqlalchemy import create_engine, text

mcp = FastMCP("crm")
engine = create_engine("sqlite:///crm.db")


def _db() -> sqlite3.Connection:
    return sqlite3.connect("crm.db")


@mcp.tool()
def find_customer(name: str) -> list:
    """Find customers by name."""
    cur = _db().cursor()
    cur.execute(f"SELECT id, name, email FROM customers WHERE name LIKE '%{name}%'")  # NOT OK: sql-injection-sink
    return cur.fetchall()


@mcp.tool()
def orders_since(customer_id: str, since: str) -> list:
    """Orders of a customer since a date."""
    query = "SELECT * FROM orders WHERE customer_id = " + customer_id
    query += " AND created_at >= '" + since + "'"
    conn = _db()
    return conn.execute(query).fetchall()  # NOT OK: sql-injection-sink


@mcp.tool()
def count_rows(table: str) -> int:
    """Count the rows of a table."""
    with engine.connect() as connection:
        stmt = text("SELECT COUNT(*) FROM {}".format(table))  # NOT OK: sql-injection-sink
        return connection.execute(stmt).scalar_one()  # NOT OK: sql-injection-sink


@mcp.tool()
def delete_customer(email: str) -> None:
    """Delete a customer."""
    db = _db()
    db.execute("DELETE FROM customers WHERE email = '%s'" % email)  # NOT OK: sql-injection-sink
    db.commit()
