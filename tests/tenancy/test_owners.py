"""An organisation always has an owner. The race tests run two real requests at the same
moment, each in its own thread with its own database connection and transaction, through HTTP.

The race is deterministic without sleeping: the first request writes and then holds its
transaction open (a post_save/post_delete receiver waits) while the second one runs until it
has written too, finished, or waits for a row lock in PostgreSQL. Without the owner lock both
write, then both commit (zero owners); with it, the second waits for the first to commit, then
counts the owners and is refused."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.db import connection, connections
from django.db.models.signals import post_delete, post_save

from tenancy.models import Membership, Role
from tenancy.scoping import tenant_scope
from tests.factories import MembershipFactory

race = pytest.mark.django_db(transaction=True)

TIMEOUT = 20.0


def _lock_waiters() -> int:
    """Backends of this test database waiting for a lock (not this connection)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        return int(cursor.fetchone()[0])


class Race:
    """Runs POSTs one after another, each in its own thread and transaction, overlapping: a
    request that has written holds its transaction open until every request has written,
    finished or is waiting for a row lock. The first request therefore always takes its locks
    first, which makes the outcome deterministic."""

    def __init__(self) -> None:
        self.wrote: dict[str, threading.Event] = {}
        self.done: dict[str, threading.Event] = {}
        self.responses: dict[str, Any] = {}
        self.errors: list[BaseException] = []
        self.release = threading.Event()

    def _hold(self, sender: Any, **kwargs: Any) -> None:
        name = threading.current_thread().name
        if name in self.wrote:
            self.wrote[name].set()
            self.release.wait(TIMEOUT)

    def _run(self, name: str, client: Any, path: str, data: dict) -> None:
        try:
            self.responses[name] = client.post(path, data)
        except BaseException as exc:  # reported by the test, not swallowed
            self.errors.append(exc)
        finally:
            self.done[name].set()
            connections.close_all()

    def _wait_until_settled(self, name: str, lock_waiters_before: int) -> None:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if self.wrote[name].is_set() or self.done[name].is_set():
                return
            if _lock_waiters() > lock_waiters_before:
                return
            time.sleep(0.02)
        raise AssertionError(f"{name} neither wrote, finished nor waited for a lock")

    def run(self, requests: dict[str, tuple[Any, str, dict]]) -> None:
        post_save.connect(self._hold, sender=Membership, dispatch_uid="owner-race")
        post_delete.connect(self._hold, sender=Membership, dispatch_uid="owner-race-delete")
        threads = []
        try:
            for name, (client, path, data) in requests.items():
                self.wrote[name] = threading.Event()
                self.done[name] = threading.Event()
                thread = threading.Thread(
                    target=self._run, name=name, args=(name, client, path, data), daemon=True
                )
                waiting = _lock_waiters()
                thread.start()
                threads.append(thread)
                self._wait_until_settled(name, waiting)
        finally:
            self.release.set()
            for thread in threads:
                thread.join(TIMEOUT)
            post_save.disconnect(sender=Membership, dispatch_uid="owner-race")
            post_delete.disconnect(sender=Membership, dispatch_uid="owner-race-delete")
        assert not self.errors, self.errors
        assert set(self.responses) == set(requests)

    def messages(self, name: str) -> list[str]:
        return [str(m) for m in get_messages(self.responses[name].wsgi_request)]


def _owners(org) -> list[str]:
    with tenant_scope(org):
        return sorted(
            Membership.objects.filter(role=Role.OWNER).values_list("user__email", flat=True)
        )


@race
def test_two_owners_demoting_each_other_leave_one_owner(tenant_a, tenant_b):
    # given alpha with two owners
    first = tenant_a.owner_membership
    second = MembershipFactory(
        organization=tenant_a.org, role=Role.OWNER, user__email="owner2@alpha.test"
    )
    # when each demotes the other at the same moment
    race = Race()
    race.run(
        {
            "first": (
                tenant_a.client(first.user),
                f"/o/alpha/members/{second.pk}/",
                {"role": "manager"},
            ),
            "second": (
                tenant_a.client(second.user),
                f"/o/alpha/members/{first.pk}/",
                {"role": "manager"},
            ),
        }
    )
    # then the first succeeds and the second, seeing it is the last owner now, is refused
    assert _owners(tenant_a.org) == ["owner@alpha.test"]
    assert race.responses["first"].status_code == race.responses["second"].status_code == 302
    assert race.messages("first") == ["owner2@alpha.test is now manager."]
    assert race.messages("second") == ["An organisation needs at least one owner."]
    with tenant_scope(tenant_a.org):
        assert Membership.objects.get(pk=second.pk).role == Role.MANAGER
    # and the other tenant is untouched
    assert _owners(tenant_b.org) == ["owner@bravo.test"]


@race
def test_two_owners_removing_each_other_leave_one_owner(tenant_a, tenant_b):
    first = tenant_a.owner_membership
    second = MembershipFactory(
        organization=tenant_a.org, role=Role.OWNER, user__email="owner2@alpha.test"
    )
    race = Race()
    race.run(
        {
            "first": (
                tenant_a.client(first.user),
                f"/o/alpha/members/{second.pk}/",
                {"action": "remove"},
            ),
            "second": (
                tenant_a.client(second.user),
                f"/o/alpha/members/{first.pk}/",
                {"action": "remove"},
            ),
        }
    )
    # the first removes the second; the second, removed meanwhile, may no longer act
    assert _owners(tenant_a.org) == ["owner@alpha.test"]
    assert race.messages("first") == ["owner2@alpha.test was removed."]
    assert race.messages("second") == ["You are no longer a member of this organisation."]
    with tenant_scope(tenant_a.org):
        assert not Membership.objects.filter(pk=second.pk).exists()
    assert _owners(tenant_b.org) == ["owner@bravo.test"]


@race
def test_owner_demoted_meanwhile_cannot_promote(tenant_a, tenant_b):
    """A demotes B while B promotes the manager to owner: B's request reads B's role again
    under the owner lock, so it is refused instead of acting with the role it had when the
    request began."""
    first = tenant_a.owner_membership
    second = MembershipFactory(
        organization=tenant_a.org, role=Role.OWNER, user__email="owner2@alpha.test"
    )
    race = Race()
    race.run(
        {
            "first": (
                tenant_a.client(first.user),
                f"/o/alpha/members/{second.pk}/",
                {"role": "manager"},
            ),
            "second": (
                tenant_a.client(second.user),
                f"/o/alpha/members/{tenant_a.manager_membership.pk}/",
                {"role": "owner"},
            ),
        }
    )
    assert race.messages("first") == ["owner2@alpha.test is now manager."]
    assert race.messages("second") == ["Only an owner can make someone an owner."]
    assert _owners(tenant_a.org) == ["owner@alpha.test"]
    assert _owners(tenant_b.org) == ["owner@bravo.test"]


def test_admin_cannot_demote_or_remove_one_of_two_owners(tenant_a, tenant_b):
    MembershipFactory(organization=tenant_a.org, role=Role.OWNER, user__email="owner2@alpha.test")
    admin = MembershipFactory(organization=tenant_a.org, role=Role.ADMIN)
    client = tenant_a.client(admin.user)
    url = f"/o/alpha/members/{tenant_a.owner_membership.pk}/"
    r = client.post(url, {"role": "viewer"}, follow=True)
    assert "Only an owner can change an owner&#x27;s role." in r.content.decode()
    r = client.post(url, {"action": "remove"}, follow=True)
    assert "Only an owner can remove an owner." in r.content.decode()
    r = client.post(f"/o/alpha/members/{tenant_a.manager_membership.pk}/", {"role": "owner"})
    assert _owners(tenant_a.org) == ["owner2@alpha.test", "owner@alpha.test"]
    assert _owners(tenant_b.org) == ["owner@bravo.test"]


def test_owner_steps_down_when_another_owner_remains(tenant_a, tenant_b):
    second = MembershipFactory(
        organization=tenant_a.org, role=Role.OWNER, user__email="owner2@alpha.test"
    )
    client = tenant_a.client(second.user)
    r = client.post(f"/o/alpha/members/{second.pk}/", {"role": "admin"}, follow=True)
    assert "owner2@alpha.test is now admin." in r.content.decode()
    assert _owners(tenant_a.org) == ["owner@alpha.test"]
