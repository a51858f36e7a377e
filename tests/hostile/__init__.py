"""The hostile-input sweep's machinery: read pages' forms, choose hostile values, submit them.

The tests themselves are in tests/test_hostile_sweep.py.
"""
