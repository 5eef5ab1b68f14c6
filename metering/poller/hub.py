"""One hub per endpoint: one Modbus TCP connection, one request at a time (a lock).

The hub translates pymodbus' errors into ``DeviceCommunicationError`` (kind ``timeout``,
``exception``, ``connection`` or ``protocol``) and logs an endpoint's outage once.
"""

from __future__ import annotations

import asyncio
import logging
import time

from pymodbus.client import AsyncModbusTcpClient
from pymodbus.exceptions import ConnectionException, ModbusException, ModbusIOException

from metering.config import Endpoint, PollConfig
from metering.exceptions import DeviceCommunicationError
from metering.plan import ReadBlock
from metering.profiles import RegisterFunction

logger = logging.getLogger(__name__)


class EndpointHub:
    """The connection to one endpoint, shared by its devices.

    Args:
        endpoint: the endpoint (host, port, devices).
        poll: timeouts and the inter-request delay.
        port: connect to this port instead of the endpoint's (tests, simulators on port 0).
    """

    def __init__(self, endpoint: Endpoint, poll: PollConfig, port: int | None = None):
        self.endpoint = endpoint
        self.poll = poll
        self.port = port or endpoint.port
        self.client = AsyncModbusTcpClient(
            endpoint.host,
            port=self.port,
            name=endpoint.name,
            timeout=poll.timeout_s,
            retries=0,  # retries, backoff and the breaker are the poller's
            reconnect_delay=0,  # no background reconnects: the hub reconnects when it needs to
        )
        # the hub decides when a connection is dead; pymodbus must not close it after timeouts
        self.client.set_max_no_responses(1_000_000)
        self.lock = asyncio.Lock()
        self.down_since: float | None = None
        self.down_reason = ""
        self.requests = 0
        self._last_request_end = 0.0

    @property
    def name(self) -> str:
        return self.endpoint.name

    async def ensure_connected(self) -> bool:
        """Connect if not connected; False (logged once per outage) when it cannot."""
        if self.client.connected:
            return True
        try:
            ok = await asyncio.wait_for(self.client.connect(), self.poll.connect_timeout_s * 1.5)
        except (TimeoutError, OSError) as err:
            ok, self.down_reason = False, str(err) or type(err).__name__
        if ok:
            if self.down_since is not None:
                logger.warning(
                    "endpoint %s (%s:%d) reachable again after %.0f s",
                    self.name,
                    self.endpoint.host,
                    self.port,
                    time.monotonic() - self.down_since,
                )
            self.down_since = None
            return True
        if self.down_since is None:
            self.down_since = time.monotonic()
            logger.warning(
                "endpoint %s (%s:%d) unreachable: %s",
                self.name,
                self.endpoint.host,
                self.port,
                self.down_reason or "connection refused",
            )
        return False

    async def read(self, block: ReadBlock, unit_id: int, device: str) -> list[int]:
        """Read one block from a unit.

        Raises:
            DeviceCommunicationError: timeout, Modbus exception, lost connection, short answer.
        """
        async with self.lock:
            if self.poll.inter_request_delay_s:
                wait = self._last_request_end + self.poll.inter_request_delay_s - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
            if not await self.ensure_connected():
                raise DeviceCommunicationError(
                    f"endpoint {self.name} unreachable", kind="connection", device=device
                )
            call = (
                self.client.read_input_registers
                if block.function is RegisterFunction.INPUT
                else self.client.read_holding_registers
            )
            self.requests += 1
            try:
                # pymodbus times the answer out itself; this only bounds a hang (no extra task)
                async with asyncio.timeout(self.poll.timeout_s * 2 + 0.5):
                    response = await call(block.address, count=block.count, device_id=unit_id)
            except (TimeoutError, ModbusIOException) as err:
                if not self.client.connected:
                    raise DeviceCommunicationError(
                        f"connection to {self.name} lost", kind="connection", device=device
                    ) from err
                raise DeviceCommunicationError(
                    f"no answer within {self.poll.timeout_s:g} s", kind="timeout", device=device
                ) from err
            except ConnectionException as err:
                self.client.close()
                raise DeviceCommunicationError(
                    f"connection to {self.name} lost: {err}", kind="connection", device=device
                ) from err
            except ModbusException as err:
                raise DeviceCommunicationError(str(err), kind="protocol", device=device) from err
            finally:
                self._last_request_end = time.monotonic()
            if response.isError():
                code = getattr(response, "exception_code", None)
                raise DeviceCommunicationError(
                    f"Modbus exception {code} reading {block.function.value} {block.address}+{block.count}",
                    kind="exception",
                    device=device,
                    value=code,
                )
            registers = list(response.registers)
            if len(registers) < block.count:
                raise DeviceCommunicationError(
                    f"short answer: {len(registers)} of {block.count} registers",
                    kind="protocol",
                    device=device,
                )
            return registers[: block.count]

    def close(self) -> None:
        self.client.close()
