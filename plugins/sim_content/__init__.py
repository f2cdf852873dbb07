"""SIM's Pelican plugin package: content model, validation, calls output."""
