"""Regression tests for the defects found by attacking the running server (issue 10), one module
per class of defect, so the next person sees what was attacked and how it is now refused."""
