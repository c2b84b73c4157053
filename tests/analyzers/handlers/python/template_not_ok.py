# ruff: noqa -- a fixture: deliberately vulnerable handler code for the handler-sinks tests
"""NOT OK: tool arguments compiled as server-side templates."""

from flask import render_template_string
from jinja2 import Environment, Template
from mcp.server.fastmcp import FastMCP

mcp = FastMCP("mailer")
env = Environment()


@mcp.tool()
def preview_email(template: str, name: str) -> str:
    """Preview an email template for a recipient."""
    return Template(template).render(name=name)  # NOT OK: template-injection-sink


@mcp.tool()
def render_card(layout: str) -> str:
    """Render a card layout."""
    return env.from_string("<div>" + layout + "</div>").render()  # NOT OK: template-injection-sink


@mcp.tool()
def render_page(body: str) -> str:
    """Render an HTML page."""
    return render_template_string(body)  # NOT OK: template-injection-sink


SETTINGS = {"sync_token": "configured-at-startup"}


@mcp.tool()
def greeting(template: str, name: str) -> str:
    """Render a greeting from a template such as 'Hello $name'."""
    from string import Template as Plain

    return Plain(template).safe_substitute({**SETTINGS, "name": name})  # NOT OK: template-injection-sink
