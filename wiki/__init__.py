"""The family wiki: pages, revisions, rendering, diffs, merging and search."""
