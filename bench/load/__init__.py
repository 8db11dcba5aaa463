"""The intake load benchmark's server side: bench settings and the baseline view."""
