"""Network check of cluster plans on a medium-voltage network (pandapower, imported lazily)."""
