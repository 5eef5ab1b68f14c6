"""The maintenance queue shared by every network (water, heat, electricity, gas) and the
generic anomaly scorer of multivariate telemetry (pumps, substations, transformers)."""
