# Bundled readiness policy: tool annotations must not contradict what the tool is.
#
# Clients decide whether to ask the user before a call from these hints, so a destructive tool that claims
# to be read-only (or non-destructive) is a production risk even when it is not malicious.
package mcts.readiness.annotations

import rego.v1

title := "Tool annotations are consistent"

_destructive_words := {"delete", "remove", "drop", "destroy", "purge", "truncate", "wipe", "erase", "revoke"}

_words(name) := {w | some w in regex.split(`[^a-z0-9]+`, lower(name)); w != ""}

_hints(tool) := object.get(tool, "annotations", {})

violations contains v if {
	some tool in input.inventory.tools
	hints := _hints(tool)
	hints.readOnlyHint == true
	hints.destructiveHint == true
	v := {
		"id": "POL001",
		"severity": "high",
		"message": sprintf("tool '%s' is annotated both readOnlyHint and destructiveHint", [tool.name]),
		"item": tool.name,
	}
}

violations contains v if {
	some tool in input.inventory.tools
	count(_words(tool.name) & _destructive_words) > 0
	hints := _hints(tool)
	_claims_harmless(hints)
	v := {
		"id": "POL002",
		"severity": "high",
		"message": sprintf("tool '%s' looks destructive by name but is annotated as harmless", [tool.name]),
		"item": tool.name,
	}
}

_claims_harmless(hints) if hints.readOnlyHint == true

_claims_harmless(hints) if hints.destructiveHint == false
