"""Working together: each child's named key worker, messages between the family and
the council's staff, enquiry figures, and "Did you feel included?" after each plan."""
