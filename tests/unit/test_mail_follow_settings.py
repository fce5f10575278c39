"""``post volgen`` takes a beheerder's change of the settings over each poll round
(``sources.follow`` with an ``organisation.settings.Follower``), connects anew when the
mailbox itself changed, and keeps its settings when a stored change does not hold.
The IMAP server is a stand-in; the settings are the database's. Both engines."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from klachtdesk.services.config import store
from klachtdesk.services.config.mail import MailSettings
from klachtdesk.services.core.context import Context
from klachtdesk.services.mail import sources
from klachtdesk.services.organisation import settings as organisation


@pytest.fixture
def desk(context: Context) -> Context:
    context.settings, context.settings_version = store.load_settings(context.db, context.now())
    return context


class Rounds:
    """A stand-in mailbox: each round records the settings it was read with, then runs
    the test's step for that round; the last step stops the loop."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, steps: list[Any], stop: threading.Event) -> None:
        self.seen: list[MailSettings] = []
        self.hosts: list[str] = []
        self.steps, self.stop = steps, stop

        class Client:
            def logout(self) -> None:
                pass

        def connect(imap: Any, password: str | None = None) -> Client:
            self.hosts.append(imap.host)
            return Client()

        def fetch(context: Context, settings: MailSettings, **_: Any) -> sources.Summary:
            self.seen.append(settings)
            step = self.steps[len(self.seen) - 1]
            if step is None:
                self.stop.set()
            else:
                step()
            return sources.Summary()

        monkeypatch.setattr(sources, "connect", connect)
        monkeypatch.setattr(sources, "fetch_imap", fetch)
        monkeypatch.setattr(sources, "_wait", lambda client, interval, stop: None)


def follower(desk: Context, said: list[str], warned: list[str]) -> organisation.Follower:
    # a copy of the context, as the follow process has its own
    own = Context(db=desk.db, clock=desk.clock, settings=desk.settings, settings_version=desk.settings_version)
    return organisation.Follower(own, say=said.append, warn=warned.append)


def test_the_next_round_reads_with_the_changed_settings(desk: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    stop, said, warned = threading.Event(), [], []
    watch = follower(desk, said, warned)
    rounds = Rounds(monkeypatch, [lambda: organisation.set_value(desk, "post.grenzen.per_afzender_per_dag", "3"),
                                  None], stop)
    sources.follow(watch.context, stop=stop, follower=watch)
    assert [s.per_sender_per_day for s in rounds.seen] == [20, 3]
    assert len(said) == 1 and "opnieuw gelezen" in said[0] and not warned
    assert rounds.hosts == [""]  # the same mailbox: no new connection


def test_a_changed_mailbox_is_connected_to_anew(desk: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    stop, said, warned = threading.Event(), [], []
    watch = follower(desk, said, warned)
    rounds = Rounds(monkeypatch, [lambda: organisation.set_value(desk, "post.imap.host", "imap.example.nl"),
                                  None], stop)
    sources.follow(watch.context, stop=stop, follower=watch)
    assert rounds.hosts == ["", "imap.example.nl"]
    assert rounds.seen[-1].imap.host == "imap.example.nl"


def test_a_broken_stored_change_keeps_the_settings_and_is_said_once(
        desk: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    stop, said, warned = threading.Event(), [], []
    watch = follower(desk, said, warned)

    def break_mail() -> None:
        with desk.db.write() as session:
            store.write_texts(session, {"post.toml": "[grenzen]\nper_afzender_per_dag = \"veel\"\n"}, desk.now(), None)

    rounds = Rounds(monkeypatch, [break_mail, lambda: None, lambda: None, None], stop)
    sources.follow(watch.context, stop=stop, follower=watch)
    assert [s.per_sender_per_day for s in rounds.seen] == [20, 20, 20, 20]
    assert len(warned) == 1 and "niet overgenomen" in warned[0] and "\n" not in warned[0] and not said
    assert watch.context.settings_version == desk.settings_version


def test_without_a_follower_the_settings_stay_as_given(desk: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    stop = threading.Event()
    rounds = Rounds(monkeypatch, [lambda: organisation.set_value(desk, "post.grenzen.per_afzender_per_dag", "3"),
                                  None], stop)
    own = Context(db=desk.db, clock=desk.clock, settings=desk.settings, settings_version=desk.settings_version)
    sources.follow(own, stop=stop)
    assert [s.per_sender_per_day for s in rounds.seen] == [20, 20]


def test_the_follower_looks_at_most_once_every_few_seconds(desk: Context) -> None:
    ticks = iter([10.0, 12.0, 15.5])
    own = Context(db=desk.db, clock=desk.clock, settings=desk.settings, settings_version=desk.settings_version)
    watch = organisation.Follower(own, every=5.0, say=lambda _: None, warn=lambda _: None,
                                  monotonic=lambda: next(ticks))
    assert not watch.check()
    organisation.set_value(desk, "lijsten.diensttypen", '["Videobellen"]')
    assert not watch.check()  # two seconds later: not looked
    assert watch.check() and own.settings.lists.service_types == ("Videobellen",)
