"""Interoperability with Modbus implementations not written here.

- modbus-tk (PyPI) serves the same registers as the simulator: the poller decodes the same
  values from both.
- Debian's mbpoll (libmodbus) reads the simulator's SDM630 by the datasheet's register numbers
  and gets the values the simulator was set to.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil

import pytest

from metering.clock import ManualClock
from metering.poller import Poller
from metering.profiles import RegisterFunction
from tests.metering.conftest import START, devices_doc, free_port, make_devices, run, start_sim

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
FLOAT32_REL = 1e-6


async def _wait_listening(port: int, timeout_s: float = 10.0) -> None:
    """Wait until a server accepts connections on ``port`` (modbus-tk starts in a thread)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while True:
        try:
            _reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            if loop.time() > deadline:
                raise
            await asyncio.sleep(0.05)
            continue
        writer.close()
        await writer.wait_closed()
        return


def _require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        message = f"{tool} is not installed (Debian package {tool})"
        if IN_CI:
            pytest.fail(f"CI=true needs {message}")
        pytest.skip(message)
    return path


# modbus-tk 1.1.5 calls threading.Event.isSet(), deprecated since Python 3.10
@pytest.mark.filterwarnings(r"ignore:isSet\(\) is deprecated:DeprecationWarning")
def test_poller_reads_the_same_values_from_modbus_tk_as_from_the_simulator() -> None:
    modbus_tk = pytest.importorskip("modbus_tk", reason="modbus-tk (dev extra) is not installed")
    from modbus_tk import defines, modbus_tcp

    devices_list = [
        {"name": "sdm", "unit_id": 1, "profile": "eastron_sdm630"},
        {"name": "em340", "unit_id": 2, "profile": "carlo_gavazzi_em340"},
        {"name": "pm", "unit_id": 3, "profile": "schneider_pm5300"},
        {"name": "heat", "unit_id": 4, "profile": "kamstrup_multical"},
        {"name": "water", "unit_id": 5, "profile": "mbus_water_meter"},
    ]
    doc = devices_doc({"sim": devices_list, "peer": [dict(d) for d in devices_list]})
    devices = make_devices(doc)
    clock = ManualClock(START)
    peer_port = free_port()
    server = modbus_tcp.TcpServer(port=peer_port, address="127.0.0.1")

    async def body() -> tuple[dict, dict]:
        # the peer listens first, so the simulator's free ports cannot collide with it
        server.start()
        await _wait_listening(peer_port)
        sim = await start_sim(devices, clock)
        # copy every register of the simulated devices into modbus-tk's data blocks
        for dev in devices.devices:
            if dev.endpoint != "sim":
                continue
            slave = server.add_slave(dev.unit_id)
            sim_dev = sim.device(dev.key)
            for function, kind in (
                (RegisterFunction.HOLDING, defines.HOLDING_REGISTERS),
                (RegisterFunction.INPUT, defines.ANALOG_INPUTS),
            ):
                regs = sim_dev.registers(clock.now(), function)
                if not regs:
                    continue
                lo = min(regs)
                hi = max(a + len(v) for a, v in regs.items())
                block = f"{function.value}"
                slave.add_block(block, kind, lo, hi - lo)
                for address, values in regs.items():
                    slave.set_values(block, address, values)
        poller = Poller(devices, None, clock, ports={"sim": sim.ports["sim"], "peer": peer_port})
        try:
            cycle = await poller.poll_once()
        finally:
            await poller.close()
            await sim.stop()
            await asyncio.to_thread(server.stop)
        got = {r.device.key: r for r in cycle.devices}
        return got, {}

    got, _ = run(body)
    assert modbus_tk is not None
    for dev in devices_list:
        mine, theirs = got[f"sim/{dev['name']}"], got[f"peer/{dev['name']}"]
        assert mine.outcome.value == theirs.outcome.value == "ok", (mine.error, theirs.error)
        assert set(mine.values) == set(theirs.values)
        for quantity, value in mine.values.items():
            assert theirs.values[quantity].value == pytest.approx(value.value, rel=FLOAT32_REL), (
                quantity
            )


def test_mbpoll_reads_the_sdm630_by_its_datasheet_register_numbers() -> None:
    mbpoll = _require("mbpoll")
    devices = make_devices(
        devices_doc({"gw": [{"name": "sdm", "unit_id": 7, "profile": "eastron_sdm630"}]})
    )
    clock = ManualClock(START)
    # the values the meter shows on its display
    shown = {
        "voltage_l1_v": 231.5,
        "frequency_hz": 49.98,
        "energy_import_kwh": 12345.6,
        "power_w": 1840.0,
    }

    async def body() -> str:
        sim = await start_sim(devices, clock)
        sim.device("gw/sdm").overrides.update(shown)
        outputs = []
        try:
            # 3xxxx parameter numbers of the SDM630 datasheet, read as mbpoll's 1-based references
            for reference, count in ((1, 1), (53, 1), (71, 2)):
                proc = await asyncio.create_subprocess_exec(
                    mbpoll,
                    "-m",
                    "tcp",
                    "-p",
                    str(sim.ports["gw"]),
                    "-a",
                    "7",
                    "-t",
                    "3:float",
                    "-B",
                    "-r",
                    str(reference),
                    "-c",
                    str(count),
                    "-1",
                    "-o",
                    "2",
                    "127.0.0.1",
                    stdout=asyncio.subprocess.PIPE,
                    stderr=asyncio.subprocess.PIPE,
                )
                out, err = await asyncio.wait_for(proc.communicate(), 30)
                assert proc.returncode == 0, err.decode()
                outputs.append(out.decode())
        finally:
            await sim.stop()
        return "\n".join(outputs)

    output = run(body)
    values = {
        int(ref): float(val) for ref, val in re.findall(r"^\[(\d+)\]:\s+(-?[\d.]+)", output, re.M)
    }
    assert values[1] == pytest.approx(shown["voltage_l1_v"], rel=FLOAT32_REL)  # 30001
    assert values[53] == pytest.approx(shown["power_w"], rel=FLOAT32_REL)  # 30053
    assert values[71] == pytest.approx(shown["frequency_hz"], rel=FLOAT32_REL)  # 30071
    assert values[73] == pytest.approx(shown["energy_import_kwh"], rel=FLOAT32_REL)  # 30073
