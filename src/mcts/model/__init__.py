"""Pure data: targets, inventories, findings and reports. No I/O happens in this package."""
