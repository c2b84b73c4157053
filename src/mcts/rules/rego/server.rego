# Bundled readiness policy: what a server should say about itself before agents rely on it.
package mcts.readiness.server

import rego.v1

title := "The server is current and explains itself"

# 2025-03-26 is the first MCP revision with tool annotations and streamable HTTP.
_oldest_protocol := "2025-03-26"

_many_tools := 10

violations contains v if {
	version := input.inventory.protocolVersion
	is_string(version)
	version < _oldest_protocol
	v := {
		"id": "POL010",
		"severity": "medium",
		"message": sprintf("protocol version %s predates %s (no tool annotations)", [version, _oldest_protocol]),
	}
}

violations contains v if {
	count(object.get(input.inventory, "tools", [])) > _many_tools
	trim_space(object.get(input.inventory, "instructions", "")) == ""
	v := {
		"id": "POL011",
		"severity": "low",
		"message": sprintf("%d tools and no server instructions telling an agent when to use them", [count(input.inventory.tools)]),
	}
}
