"""The water network: WNTR network models of any EPANET file, DMAs, the IWA balance and
minimum night flow, leak detection and location from pressure/flow telemetry (``leaks``),
leaks in flats from customer meters, pump health; detections become work orders in the
shared maintenance queue (``core.maintenance``). ``service`` holds the use cases, ``cli``
the ``kof water`` commands."""
