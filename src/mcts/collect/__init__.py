"""Collectors: a target -> an Inventory, plus what was and was not seen. One file per kind of source."""
