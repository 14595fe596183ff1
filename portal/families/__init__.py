"""Families: children, who belongs to each child's wiki, and the child's home page."""
