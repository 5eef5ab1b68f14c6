"""Leak detection and location from pressure and flow telemetry.

features: the model of normal behaviour and its residuals; sensitivity: the hydraulic
sensitivity of the sensors to a leak at each node, and how far the model can be trusted;
locate: the likelihood of a leak at each node and the located leak; posterior: the point to
send the crew to and the confidence area; detect: the windowed tests and the events they raise;
scenarios: labelled leak scenarios simulated with EPANET through WNTR; scoring: detections
matched to the truth, counted in water and money.
"""
