"""A family's data rights: a copy of everything (export) and erasing everything."""
