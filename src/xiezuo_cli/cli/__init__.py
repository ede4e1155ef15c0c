"""The command line: entry (the fast path that avoids Typer), argv (the fast parser), app (the
Typer app, for help and completion), spec and groups (options declared once, each with its
converter), converters, registry (every command, by name), dispatch (the one way a command
runs), edge (domain errors to one line and an exit code), and commands/ (one module a command).

May import every layer below: present, query, authoring, extract, storage, model, errors.
"""
