"""The values and rules that need no I/O: vocabularies, Record/Pairing/Place/Source, amounts (the
Chinese figure parser), dates and periods, name normalisation, the limits and patterns every
stored value is held to (limits), the rules between figures (rules), the record contract.

May import: the standard library and ``xiezuo_cli.errors``. Nothing here reads a file.
"""
