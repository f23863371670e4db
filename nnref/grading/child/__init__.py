"""Code that runs inside the grading sandbox, next to the student's code.

The grader copies these files into each sandbox and runs ``runner.py`` by path in a fresh
interpreter. Nothing here may import ``nnref`` (the sandbox blocks it): ``frames``, ``wire`` and
``course_utils`` use only the standard library and NumPy. The grader imports ``frames`` and
``wire`` too, so both sides frame, encode and decode values with the same code.
"""
