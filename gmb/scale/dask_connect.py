"""Reaching a running Dask scheduler: check the address, then Dask's handshake, within one deadline.

:func:`check_address` makes sure a scheduler answers before :func:`gmb.scale.backends.open_backend`
makes a ``distributed.Client`` — so a wrong host or port fails at once with a
:class:`~gmb.errors.ClusterError` naming it, instead of hanging or leaving a half-made client.

It sits apart from :mod:`gmb.scale.backends` (what the backends do) because it is only about
connecting: sockets, addresses and an event loop of its own. Dask is imported only when called.

>>> check_address("no scheme here", time.monotonic() + 1)
Traceback (most recent call last):
...
gmb.errors.InputError: --scheduler: not a Dask scheduler address: 'no scheme here' (missing port number in address 'no scheme here') (e.g. tcp://host:8786)
"""

from __future__ import annotations

import socket
import time
from typing import Any

from gmb.errors import ClusterError, InputError

__all__ = ["check_address", "seconds_left", "unusable_scheduler"]


def check_address(address: str, deadline: float) -> str:
    """The normalised address, once a scheduler has answered there; clear errors before ``deadline``.

    Two steps, so that nothing hangs and no half-made ``Client`` is left behind:
    a plain TCP connect (a refused or unknown host fails at once), then Dask's
    own ``identity`` handshake (a port where something else listens fails too).

    >>> check_address("tcp://127.0.0.1:1", time.monotonic() + 2)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    gmb.errors.ClusterError: --scheduler: no Dask scheduler answers at tcp://127.0.0.1:1 (...)...
    """
    try:
        from distributed.comm import parse_address
        from distributed.comm.addressing import parse_host_port, unparse_address
        from distributed.comm.registry import backends

        scheme, loc = parse_address(address)
        if scheme not in backends:
            raise ValueError(f"unknown scheme {scheme!r}")
        normalised = unparse_address(scheme, loc)
        host, port = parse_host_port(loc) if scheme in ("tcp", "tls") else (None, None)
    except (ValueError, TypeError) as exc:
        raise InputError(
            f"not a Dask scheduler address: {address!r} ({exc})", field="--scheduler", hint="e.g. tcp://host:8786"
        ) from None
    if host is not None:
        try:
            socket.create_connection((host, port), timeout=seconds_left(deadline)).close()
        except OSError as exc:
            raise ClusterError(
                f"no Dask scheduler answers at {normalised} ({exc.strerror or exc})",
                field="--scheduler",
                hint="start one with `dask scheduler` and check the host name and port",
            ) from None
    try:
        identity = _in_thread(_identity(normalised, seconds_left(deadline)))
        if not isinstance(identity, dict) or identity.get("type") != "Scheduler":
            raise ValueError(f"it says it is {identity.get('type') if isinstance(identity, dict) else identity!r}")
    except Exception as exc:  # noqa: BLE001 - whatever answered, it was not a usable scheduler
        raise unusable_scheduler(
            normalised, exc, hint="is it a `dask scheduler`, of a Dask version compatible with this one?"
        ) from None
    return normalised


def unusable_scheduler(address: str, exc: Exception, *, hint: str) -> ClusterError:
    """The error for an address where something answered that could not be used as a scheduler.

    >>> print(unusable_scheduler("tcp://h:1", OSError("reset"), hint="check it"))
    --scheduler: could not talk to a Dask scheduler at tcp://h:1: OSError: reset (check it)
    """
    return ClusterError(
        f"could not talk to a Dask scheduler at {address}: {type(exc).__name__}: {exc}", field="--scheduler", hint=hint
    )


def seconds_left(deadline: float) -> float:
    """Seconds left until ``deadline`` (at least a moment, so a step that starts late can still fail cleanly).

    >>> seconds_left(time.monotonic() - 5)
    0.1
    """
    return max(0.1, deadline - time.monotonic())


async def _identity(address: str, timeout: float) -> Any:
    import asyncio

    from distributed.comm import connect

    async def ask() -> Any:
        comm = await connect(address, timeout=timeout)
        try:
            await comm.write({"op": "identity", "reply": True})
            return await comm.read()
        finally:
            comm.abort()

    # one deadline for the whole exchange: a silent peer must not stall the handshake
    return await asyncio.wait_for(ask(), timeout)


def _in_thread(coro: Any) -> Any:
    """Run a coroutine to the end on a fresh event loop in a thread (safe inside Jupyter's running loop)."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()
