"""pymodbus async TCP servers on localhost: one per endpoint, one pymodbus ``SimDevice`` per unit.

Every read goes through the device's ``action``: the simulated meter advances to the current
simulated time and writes its registers into the device's block, or a fault is injected
(no answer, slow answer, exception, garbage, dropped connection).

pymodbus 3.16's request handler keeps only the last request of a connection, so a slow answer
would go out under the transaction id of a request that came in meanwhile; ``_RequestHandler``
answers each request with its own id, as a gateway must.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Coroutine
from functools import partial
from typing import Any

from pymodbus.constants import ExcCodes
from pymodbus.pdu import ExceptionResponse, ModbusPDU
from pymodbus.server import ModbusTcpServer
from pymodbus.server.requesthandler import ServerRequestHandler
from pymodbus.simulator import DataType, SimData, SimDevice

from metering.clock import Clock
from metering.config import DevicesFile, FaultKind, simulation_clock
from metering.profiles import RegisterFunction
from metering.simulator.consumption import LoadModel
from metering.simulator.device import SimulatedDevice
from metering.simulator.region_load import region_loads

logger = logging.getLogger(__name__)


class _NoAnswerError(Exception):
    """Raised by a device action: the request gets no answer."""


class _DropConnectionError(Exception):
    """Raised by a device action: the gateway closes the connection."""


class _RequestHandler(ServerRequestHandler):
    """A connection's handler that answers every request with that request's own id."""

    def __init__(self, owner: _SimTcpServer):
        super().__init__(owner, None, None, None)
        self.sim_server = owner
        self._pending: deque[tuple[ModbusPDU, tuple | None]] = deque()

    def callback_data(self, data: bytes, addr: tuple | None = None) -> int:
        used = super().callback_data(data, addr)
        if self.last_pdu is not None:
            self._pending.append((self.last_pdu, self.last_addr))
        return used

    def handle_later(self) -> None:
        if self._pending:
            pdu, addr = self._pending.popleft()
            self.sim_server.spawn(self._respond(pdu, addr))

    async def _respond(self, pdu: ModbusPDU, addr: tuple | None) -> None:
        response: ModbusPDU
        if pdu.dev_id not in self.sim_server.unit_ids:
            # a gateway with nothing behind this unit id (Modbus exception 0Bh)
            response = ExceptionResponse(pdu.function_code, ExcCodes.GATEWAY_NO_RESPONSE)
        else:
            try:
                response = await pdu.datastore_update(self.sim_server.context, pdu.dev_id)
            except _NoAnswerError:
                return
            except _DropConnectionError:
                logger.info("endpoint %s: dropping the connection", self.sim_server.endpoint)
                self.close()
                return
            except Exception:
                logger.exception(
                    "endpoint %s: unit %d failed", self.sim_server.endpoint, pdu.dev_id
                )
                response = ExceptionResponse(pdu.function_code, ExcCodes.DEVICE_FAILURE)
        response.transaction_id = pdu.transaction_id
        response.dev_id = pdu.dev_id
        if self.transport:
            self.server_send(response, addr)


class _SimTcpServer(ModbusTcpServer):
    """A ModbusTcpServer whose connections use ``_RequestHandler``."""

    def __init__(self, endpoint: str, devices: list[SimDevice], address: tuple[str, int]):
        super().__init__(devices, address=address)
        self.endpoint = endpoint
        self.unit_ids = {d.id for d in devices}
        self.tasks: set[asyncio.Task] = set()

    def callback_new_connection(self) -> _RequestHandler:
        return _RequestHandler(self)

    def spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = self.loop.create_task(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    @property
    def bound_port(self) -> int:
        sockets = getattr(self.transport, "sockets", None)
        return int(sockets[0].getsockname()[1]) if sockets else self.comm_params.source_address[1]


def _block(device: SimulatedDevice, function: RegisterFunction) -> list[SimData]:
    regs = [r for r in device.device.profile.registers if r.function is function]
    if not regs:
        return [SimData(0, datatype=DataType.INVALID)]
    lo = min(r.protocol_address for r in regs)
    hi = max(r.end_address for r in regs)
    # the whole span answers (gaps read as 0), as the meters modelled here do
    return [SimData(lo, values=[0] * (hi - lo), datatype=DataType.REGISTERS)]


class FieldSimulator:
    """The devices of a devices file, served over Modbus TCP.

    Args:
        devices: the loaded devices file.
        clock: simulated time (default: the file's simulation origin and acceleration).
        port_override: endpoint name -> port (0 picks a free port; see ``ports`` after start).
        host_override: listen on this address instead of each endpoint's host.

    Example:
        >>> async with FieldSimulator(load_devices("devices.yaml")) as sim:  # doctest: +SKIP
        ...     print(sim.ports)
    """

    def __init__(
        self,
        devices: DevicesFile,
        clock: Clock | None = None,
        *,
        port_override: dict[str, int] | None = None,
        host_override: str | None = None,
    ):
        self.config = devices
        self.clock = clock or simulation_clock(devices.simulation)
        self.started_at = clock.now()
        self.port_override = dict(port_override or {})
        self.host_override = host_override
        loads = self._loads(devices)
        self.devices: dict[str, SimulatedDevice] = {
            d.key: SimulatedDevice(d, self.started_at, devices.simulation.seed, loads.get(d.key))
            for d in devices.devices
        }
        self.servers: dict[str, _SimTcpServer] = {}
        self.ports: dict[str, int] = {}

    def _loads(self, devices: DevicesFile) -> dict[str, LoadModel]:
        cfg = devices.simulation
        if cfg.load != "region":
            return {}
        try:
            return region_loads(devices.devices, self.started_at, cfg.seed, cfg.region_days)
        except ImportError as err:  # the reference region is not installed: own models
            logger.warning("reference region unavailable (%s); using the simple load models", err)
            return {}

    def device(self, key: str) -> SimulatedDevice:
        """The simulated device ``endpoint/name``."""
        return self.devices[key]

    async def _action(
        self,
        sim: SimulatedDevice,
        function_code: int,
        start_address: int,
        _address: int,
        _count: int,
        registers: list[int],
        set_values: list[int] | list[bool] | None,
    ) -> ExcCodes | None:
        if set_values:
            return ExcCodes.ILLEGAL_FUNCTION  # the meters are read-only
        t = self.clock.now()
        garbage = None
        for fault in sim.active_faults(t):
            if fault.kind is FaultKind.NO_ANSWER:
                raise _NoAnswerError
            if fault.kind is FaultKind.DROP_CONNECTION:
                raise _DropConnectionError
            if fault.kind is FaultKind.EXCEPTION:
                return ExcCodes(fault.exception_code)
            if fault.kind is FaultKind.SLOW_ANSWER:
                await asyncio.sleep(fault.delay_s)
            if fault.kind is FaultKind.GARBAGE:
                garbage = fault
        function = RegisterFunction.INPUT if function_code == 4 else RegisterFunction.HOLDING
        for address, values in sim.registers(t, function, garbage).items():
            offset = address - start_address
            registers[offset : offset + len(values)] = values
        return None

    def _sim_devices(self, endpoint: str) -> list[SimDevice]:
        out = []
        for sim in self.devices.values():
            if sim.device.endpoint != endpoint:
                continue
            coils = [SimData(0, values=[False] * 16, datatype=DataType.BITS)]
            blocks = (
                coils,
                list(coils),
                _block(sim, RegisterFunction.HOLDING),
                _block(sim, RegisterFunction.INPUT),
            )
            out.append(
                SimDevice(sim.device.unit_id, simdata=blocks, action=partial(self._action, sim))
            )
        return out

    async def start(self) -> dict[str, int]:
        """Start every endpoint's server; returns endpoint name -> listening port."""
        for endpoint in self.config.endpoints:
            host = self.host_override or endpoint.host
            port = self.port_override.get(endpoint.name, endpoint.port)
            server = _SimTcpServer(endpoint.name, self._sim_devices(endpoint.name), (host, port))
            await server.serve_forever(background=True)
            self.servers[endpoint.name] = server
            self.ports[endpoint.name] = server.bound_port
            logger.info(
                "endpoint %s: %d devices on %s:%d",
                endpoint.name,
                len(endpoint.devices),
                host,
                self.ports[endpoint.name],
            )
        return dict(self.ports)

    async def stop(self) -> None:
        """Stop the servers and cancel answers still pending (slow devices)."""
        for server in self.servers.values():
            for task in list(server.tasks):
                task.cancel()
            if server.tasks:
                await asyncio.gather(*server.tasks, return_exceptions=True)
            await server.shutdown()
        self.servers.clear()

    async def __aenter__(self) -> FieldSimulator:
        await self.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.stop()
