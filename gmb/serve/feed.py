"""The live feed: one view per session version, and small patches pushed to every open page.

Where the time went before (the load test's p95 of 0.8–2 s from a change to the other screens):
every server-sent event only said "seq N", so each of the 50 pages then fetched the *whole* state,
which was re-serialised per request, and each new view re-ran the loop search (up to 0.5 s on a
dense map) before anyone saw the change; the page also waited 250 ms between fetches.

Now a change is turned into a view **once** per session version (in a worker thread, coalescing
whatever arrived meanwhile), diffed against the previous view, and the patch is serialised once and
written to every stream. On a small map the loops are searched at once (the last search took under
20 ms); on a big one in the background (one search at a time per session, on the newest links), and
they arrive as a later patch; until then the view keeps the last loops with ``loops.pending = true``. A page that falls behind the kept patches is told to ``reset`` and
fetches the full state (served from the once-serialised bytes).

>>> old = {"version": 1, "seq": 3, "title": "a", "variables": [{"id": "x"}], "links": [], "ideas": []}
>>> new = {"version": 2, "seq": 4, "title": "a", "variables": [{"id": "x"}, {"id": "y"}], "links": [], "ideas": []}
>>> diff(old, new)
{'from': 1, 'to': 2, 'seq': 4, 'set': {'variables': [{'id': 'y'}]}, 'del': {}, 'top': {}}
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from gmb.errors import GmbError

__all__ = ["KEYED", "Feed", "diff"]

#: lists of items with an ``id``: patched item by item
KEYED = ("variables", "links", "ideas")
#: while changes keep coming, at most one new version per this many seconds (0.05 before the view cache made a
#: version cheap: 0.02 took ~20 ms off every screen's wait at the same server CPU per change in bench/serve_bench.py)
PACE = 0.02
#: a loop search that took less than this many seconds is done inline (exact loops in the same patch)
INLINE_LOOPS = 0.02
#: seconds between two loop searches of one session, at least
LOOPS_REST = 1.0
#: patches kept per session (a page further behind fetches the whole state)
KEEP = 256


def diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """The patch that turns view ``old`` into view ``new``: changed items, removed ids, other changed keys.

    A keyed list whose order changed other than by appending is sent whole (under ``top``).
    """
    patch: dict[str, Any] = {"from": old["version"], "to": new["version"], "seq": new["seq"],
                             "set": {}, "del": {}, "top": {}}  # fmt: skip
    for key, value in new.items():
        if key in ("version", "seq"):
            continue
        if key == "recent":  # newest first, at most 40: send only the entries the page has not got
            known = {e["seq"] for e in old.get("recent", [])}
            fresh = [e for e in value if e["seq"] not in known]
            if fresh:
                patch["recent"] = fresh
            continue
        if key in KEYED:
            before = {x["id"]: x for x in old.get(key, [])}
            ids = [x["id"] for x in value]
            now = set(ids)
            kept = [i for i in before if i in now]
            if ids[: len(kept)] != kept:  # reordered: send the list
                patch["top"][key] = value
                continue
            changed = [
                x for x in value if before.get(x["id"]) is not x and before.get(x["id"]) != x
            ]  # same object: unchanged
            gone = [i for i in before if i not in now]
            if changed:
                patch["set"][key] = changed
            if gone:
                patch["del"][key] = gone
        elif old.get(key) != value:
            patch["top"][key] = value
    return patch


class _Session:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.version = 0
        self.seq = -1
        self.view: dict[str, Any] | None = None
        self.body: bytes | None = None
        self.patches: deque[tuple[int, str]] = deque(maxlen=KEEP)  # (version it leads to, SSE text)
        self.loops_key: Any = None
        self.loops: dict[str, Any] | None = None
        self.loops_wanted: Any = None
        self.loops_cost = 0.0  # seconds the last search took
        self.loops_running = False
        self.loops_news = False
        self.news = False  # something outside the log changed (the projector setting): build a new version
        self.pumping = False
        self.again = False
        self.event: asyncio.Event | None = None


class Feed:
    """Builds each session's view once per version and hands patches to the streams.

    ``live(sid)`` returns the session's :class:`~gmb.serve.workshops.Live`; ``build(sid, live, loops)``
    the view (without ``version``); ``find_loops(session)`` searches loops (run in the background here).
    """

    def __init__(self, live: Callable, build: Callable, find_loops: Callable) -> None:
        self.live, self.build, self.find_loops = live, build, find_loops
        self.sessions: dict[str, _Session] = {}
        self.guard = threading.Lock()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.searcher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gmb-loops")
        # Views are built on a thread of their own: the request threads may all be waiting for a commit,
        # and the broadcast must not queue behind them.
        self.builder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gmb-feed")

    def close(self) -> None:
        self.searcher.shutdown(wait=False, cancel_futures=True)
        self.builder.shutdown(wait=False, cancel_futures=True)

    def _s(self, sid: str) -> _Session:
        with self.guard:
            return self.sessions.setdefault(sid, _Session())

    # -- building (worker threads) ------------------------------------------------------
    def advance(self, sid: str) -> bool:
        """Bring ``sid``'s view up to date; True when a new version was made."""
        f = self._s(sid)
        with f.lock:
            live = self.live(sid)
            session = live.session
            if f.view is not None and live.seq == f.seq and not f.loops_news and not f.news:
                return False
            f.news = False
            links_key = tuple((x.id, x.cause, x.effect, x.polarity) for x in session.links)
            if links_key != f.loops_key:
                # Inline when a page waits for its first view, or the last search was quick (a small map):
                # those views carry exact loops. Otherwise the search goes to the background.
                if f.loops is None or not session.links or f.loops_cost < INLINE_LOOPS:
                    t = time.perf_counter()
                    f.loops, f.loops_key = self.find_loops(session), links_key
                    f.loops_cost = time.perf_counter() - t
                else:
                    self._search_later(sid, f, links_key, session)
            f.loops_news = False
            loops = dict(f.loops or {}, pending=links_key != f.loops_key)
            version = f.version + 1
            view = {"version": version, **self.build(sid, live, loops)}
            if f.view is not None:
                text = json.dumps(diff(f.view, view), ensure_ascii=False)
                f.patches.append((version, "event: patch\ndata: " + text + "\n\n"))
            f.view, f.seq = view, live.seq
            f.body = None  # serialised when a page asks for the whole state
            f.version = version  # last: a stream that sees this version finds its patch already kept
            return True

    def _search_later(self, sid: str, f: _Session, links_key: Any, session: Any) -> None:
        f.loops_wanted = (links_key, session)
        if f.loops_running:
            return
        f.loops_running = True

        def run() -> None:
            while True:
                with f.lock:
                    wanted, f.loops_wanted = f.loops_wanted, None
                    if wanted is None:
                        f.loops_running = False
                        return
                t = time.perf_counter()
                loops = self.find_loops(wanted[1])
                with f.lock:
                    f.loops, f.loops_key, f.loops_news = loops, wanted[0], True
                    f.loops_cost = time.perf_counter() - t
                self.kick_threadsafe(sid)
                # The search holds the interpreter (GIL) while it runs: rest twice as long as it took (and at
                # least LOOPS_REST s) before the next one, so changes keep most of the time in a busy room.
                time.sleep(max(LOOPS_REST, 2 * (time.perf_counter() - t)))

        self.searcher.submit(run)

    def full(self, sid: str) -> tuple[int, bytes]:
        """The whole current view, serialised (version, bytes)."""
        self.advance(sid)
        f = self._s(sid)
        with f.lock:
            if f.body is None:
                f.body = json.dumps(f.view, ensure_ascii=False).encode()
            return f.version, f.body

    def refresh(self, sid: str) -> None:
        """Something in the view beyond the log changed (the projector setting): a new version goes out."""
        f = self._s(sid)
        with f.lock:
            f.news = True
        self.kick_threadsafe(sid)

    # -- telling the streams (event loop) -------------------------------------------------
    def kick_threadsafe(self, sid: str) -> None:
        loop = self.loop
        if loop is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(self.kick, sid)
            except RuntimeError:  # closing down
                pass

    def kick(self, sid: str) -> None:
        """Something changed in ``sid``: build a new version (once, however many asked) and wake the streams."""
        f = self._s(sid)
        if f.pumping:
            f.again = True
            return
        f.pumping = True
        asyncio.get_running_loop().create_task(self._pump(sid, f))

    async def _pump(self, sid: str, f: _Session) -> None:
        try:
            while True:
                f.again = False
                try:
                    made = await asyncio.get_running_loop().run_in_executor(self.builder, self.advance, sid)
                except GmbError:  # the session went away or the database is briefly away: the poll kicks again
                    made = False
                if made:
                    ev, f.event = f.event, None
                    if ev is not None:
                        ev.set()
                if not f.again:
                    break
                # More changes came in while this version was built: gather them for a moment, so a busy
                # room gets one patch per PACE seconds instead of one per change (each goes to every page).
                await asyncio.sleep(PACE)
        finally:
            f.pumping = False

    def since(self, sid: str, version: int) -> tuple[int, str | None]:
        """``(current version, the SSE text that brings a page from version to it)``; None: too far behind."""
        f = self._s(sid)
        current = f.version
        if version >= current:
            return current, ""
        wanted = [text for v, text in list(f.patches) if v > version]
        if len(wanted) != current - version:
            return current, None
        return current, "".join(wanted)

    async def wait(self, sid: str, version: int, timeout: float) -> bool:
        f = self._s(sid)
        if f.version > version:
            return True
        if f.event is None:
            f.event = asyncio.Event()
        try:
            await asyncio.wait_for(f.event.wait(), timeout)
            return True
        except TimeoutError:
            return False
