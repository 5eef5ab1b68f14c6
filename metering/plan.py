"""Read plans: a device's registers merged into as few requests as its limits allow."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from metering.decode import Decoder
from metering.profiles import DeviceProfile, RegisterFunction, RegisterSpec


@dataclass(frozen=True)
class ReadBlock:
    """One read request: ``count`` registers of one table from protocol ``address``.

    Attributes:
        registers: the values the block holds, in address order.
    """

    function: RegisterFunction
    address: int
    count: int
    registers: tuple[RegisterSpec, ...]
    decoders: tuple[Decoder, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        decoders = tuple(Decoder(s, s.protocol_address - self.address) for s in self.registers)
        object.__setattr__(self, "decoders", decoders)

    def slice(self, spec: RegisterSpec, values: Sequence[int]) -> list[int]:
        """The registers of ``spec`` within a response to this block."""
        start = spec.protocol_address - self.address
        return list(values[start : start + spec.register_count])

    def decode(self, values: Sequence[int]) -> dict[str, float]:
        """Every value of the block decoded from a response's registers."""
        return {d.quantity: d(values) for d in self.decoders}


def plan_reads(
    profile: DeviceProfile, quantities: Sequence[str] | None = None
) -> tuple[ReadBlock, ...]:
    """Merge a profile's registers into read requests.

    Registers of the same table are merged while the gap between them is at most
    ``max_gap_registers`` and the request stays within ``max_registers_per_request``.

    Args:
        profile: the device's register map.
        quantities: read only these (default: every register of the profile).

    Example:
        >>> from metering.profiles import builtin_profiles
        >>> [(b.address, b.count) for b in plan_reads(builtin_profiles()["eastron_sdm630"])]
        [(0, 18), (52, 2), (70, 6), (342, 2)]
    """
    wanted = set(quantities) if quantities is not None else None
    specs = [r for r in profile.registers if wanted is None or r.quantity in wanted]
    if wanted is not None:
        unknown = wanted - {s.quantity for s in specs}
        if unknown:
            raise KeyError(f"profile {profile.name} has no quantity {sorted(unknown)[0]!r}")
    blocks: list[ReadBlock] = []
    for function in RegisterFunction:
        regs = sorted(
            (r for r in specs if r.function is function), key=lambda r: r.protocol_address
        )
        group: list[RegisterSpec] = []
        for reg in regs:
            if group:
                start = group[0].protocol_address
                gap = reg.protocol_address - group[-1].end_address
                if gap <= profile.max_gap_registers and (
                    reg.end_address - start <= profile.max_registers_per_request
                ):
                    group.append(reg)
                    continue
                blocks.append(_block(function, group))
            group = [reg]
        if group:
            blocks.append(_block(function, group))
    return tuple(blocks)


def _block(function: RegisterFunction, group: list[RegisterSpec]) -> ReadBlock:
    start = group[0].protocol_address
    return ReadBlock(function, start, group[-1].end_address - start, tuple(group))
