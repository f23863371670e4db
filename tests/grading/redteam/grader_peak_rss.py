"""Grade one file in this process and print the grader's own peak resident memory (KiB).

Run as a separate process by the red-team suite, so that only the grader's memory is measured
(the sandbox's processes are not this process's memory).
"""
import json
import resource
import sys

from nnref.grading import Limits, grade

path, assignment = sys.argv[1], sys.argv[2]
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
report = grade(path, assignment, Limits(timeout=60, call_timeout=20, memory_mb=1536))
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"before_kib": before, "peak_kib": peak, "score": report.score,
                  "error": report.error}))
