"""Synthetic sample cases: drawn documents and faces (no real people), with ground truth.

``plan`` decides the facts of a case and what a correct checker decides; ``cases`` draws the
uploads (``passport``, ``licence``, ``address``, ``selfie`` on top of ``faces``, ``drawing``,
``fonts``, ``photos`` and ``defects``); ``seeding`` submits them through intake; ``command`` is
``checker-console seed``.
"""
