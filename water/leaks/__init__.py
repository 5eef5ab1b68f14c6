"""Leak detection and location from pressure and flow telemetry.

features: the model of normal behaviour and its residuals; locate: the hydraulic sensitivity of
the sensors to a leak at each node and the location of a residual pattern; detect: the CUSUM
detectors and the events they raise; scenarios: labelled leak scenarios simulated with EPANET
through WNTR; scoring: detections matched to the truth, counted in water and money.
"""
