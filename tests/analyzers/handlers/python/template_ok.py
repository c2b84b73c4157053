# ruff: noqa -- a fixture: deliberately vulnerable handler code for the handler-sinks tests
"""OK: fixed templates with arguments as variables, string.Template."""

from string import Template as StringTemplate

from jinja2 import Environment, FileSystemLoader
from mcp.server.fastmcp import FastMCP

mcp = FastMCP("mailer")
env = Environment(loader=FileSystemLoader("templates"), autoescape=True)
GREETING = env.from_string("Hello {{ name }}!")


@mcp.tool()
def preview_email(name: str, topic: str) -> str:
    """Preview the welcome email for a recipient."""
    return env.get_template("welcome.html").render(name=name, topic=topic)


@mcp.tool()
def greet(name: str) -> str:
    """Greet someone."""
    return GREETING.render(name=name)


@mcp.tool()
def subject(name: str) -> str:
    """An email subject line."""
    return StringTemplate("Welcome, $name").substitute(name=name)
