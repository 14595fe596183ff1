"""The council's monthly plan quality audit: a random sample of the final plans issued
in a month, each graded domain by domain by two auditors, and a report of the grades
and of how often auditor pairs agree.

Not to be confused with `portal.audit`, the trail of who looked at a child's data.
"""
