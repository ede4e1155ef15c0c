"""One module per command: its declaration (a ``Command``: help, examples, the option groups it
takes and its own options, each with its converter), its frozen parameters, and the one function
that runs it on them: it loads (storage), asks (query, authoring) and shows (present).

A new command is a new module here and one line in cli/registry.py.
"""
