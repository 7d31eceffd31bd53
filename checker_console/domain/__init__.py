"""Rules with no I/O: the case lifecycle, reason codes, checklists and document checks."""
