"""The browser's cache of ForwardMsgs: cacheable messages kept by hash, aged by script runs.

Streamlit sends a message it has sent before as a `ref_hash` when the client said (in
`cached_message_hashes`) that it holds it; the front end keeps such messages and forgets those
not used for `max_cached_message_age` runs (`frontend/lib/src/ForwardMessageCache.ts`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

MAX_ENTRIES = 1_000  # a safety bound; the age rule keeps the cache far smaller


class CacheMiss(LookupError):
    """The server referred to a message this client does not hold."""


@dataclass
class _Entry:
    data: bytes
    run_count: int
    fragment_id: str


class MessageCache:
    """Messages by hash, with the number of the run that last used each."""

    def __init__(self) -> None:
        self.max_age = 2  # replaced by the server's `max_cached_message_age`
        self._entries: dict[str, _Entry] = {}
        self._run_count = 0

    def __iter__(self) -> Iterator[str]:
        """Iterate over the hashes held, to send as `cached_message_hashes`."""
        return iter(self._entries)

    def resolve(self, ref: ForwardMsg) -> ForwardMsg:
        """Return the message a `ref_hash` message stands for, with the ref's metadata."""
        entry = self._entries.get(ref.ref_hash)
        if entry is None:
            raise CacheMiss(f"cached ForwardMsg miss for {ref.ref_hash}")
        entry.run_count = self._run_count
        msg = ForwardMsg()
        msg.ParseFromString(entry.data)
        msg.metadata.CopyFrom(ref.metadata)
        return msg

    def keep(self, msg: ForwardMsg, data: bytes) -> None:
        """Hold `msg` (received as `data`) if the server marked it cacheable."""
        if not (msg.metadata.cacheable and msg.hash) or msg.hash in self._entries:
            return
        if len(self._entries) >= MAX_ENTRIES:
            return
        fragment = msg.delta.fragment_id if msg.WhichOneof("type") == "delta" else ""
        self._entries[msg.hash] = _Entry(data, self._run_count, fragment)

    def age(self, fragment_ids: list[str]) -> None:
        """Count a finished run and drop messages older than the allowed age.

        A fragment's run ages only the messages that fragment drew.
        """
        self._run_count += 1
        for key, entry in list(self._entries.items()):
            if fragment_ids and entry.fragment_id not in fragment_ids:
                continue
            if self._run_count - entry.run_count > self.max_age:
                del self._entries[key]
