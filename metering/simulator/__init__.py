"""The field simulator: Modbus TCP servers on localhost serving every device profile."""

from metering.simulator.device import SimulatedDevice
from metering.simulator.server import FieldSimulator

__all__ = ["FieldSimulator", "SimulatedDevice"]
