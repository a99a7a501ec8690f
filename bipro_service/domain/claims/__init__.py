"""Claims under the AVB Valoren 2008: the notification, its first assessment and its rules.

Where is which rule? Coverage (AVB 2, 3, 4.1, 5 and the clauses): ``coverage.py``;
obligations after a loss (9.2) and limitation (14): ``obligations.py``; indemnity (7.1, 7.2,
7.5): ``indemnity.py``; how they combine: ``assessment.py``.
"""
