"""CLI commands, one module each (see ``checker_console.cli``)."""
