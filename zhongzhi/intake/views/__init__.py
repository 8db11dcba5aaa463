"""Pages of the intake app: `staff` (the scoped workspace) and `public` (residents)."""
