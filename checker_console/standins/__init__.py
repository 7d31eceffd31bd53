"""Local stand-ins for the systems the console talks to (CIM, GOV.UK Notify, CIS2).

Each speaks the same HTTP as the real service, runs as its own ASGI process
(``checker-console standin-cim``, ``standin-notify``) with its own store, and can inject faults
(``standins.faults``), so the console's adapters are tested over real HTTP against failures.
"""
