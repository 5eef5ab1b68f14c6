"""Metering over Modbus: device profiles, the field simulator, the poller and VEE.

- ``metering.profiles``: register maps as data (``metering/profiles/*.yaml``);
- ``metering.config``: the devices file (endpoints, devices, meters, faults);
- ``metering.simulator``: pymodbus TCP servers serving the devices (``kof field-sim``);
- ``metering.poller``: the resilient poller writing through ``write_readings`` (``kof poll``);
- ``metering.vee``: validation, estimation and editing as pure functions;
- ``metering.importer``: telemetry CSV import (``kof import``).
"""

from metering.config import DevicesFile, load_devices
from metering.profiles import DeviceProfile, builtin_profiles, load_profile

__all__ = ["DeviceProfile", "DevicesFile", "builtin_profiles", "load_devices", "load_profile"]
