"""CLI command groups, one module per pipeline stage; :mod:`gmb.cli` assembles them."""
