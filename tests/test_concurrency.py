"""Many clients at once against a real threaded server and one SQLite file."""

from concurrent.futures import ThreadPoolExecutor

import requests
from sqlalchemy import func, select

from extensions import db
from models import History, User

PASSWORD = "password123"


def logged_in_session(base_url: str, username: str) -> requests.Session:
    session = requests.Session()
    body = {"username": username, "email": f"{username}@example.com"}
    assert session.post(f"{base_url}/register", json=body | {"password": PASSWORD}).ok
    login = {"username": username, "password": PASSWORD}
    assert session.post(f"{base_url}/login", json=login).ok
    return session


def busy_user(base_url: str, username: str, rounds: int) -> tuple[list[int], int]:
    """Create, update and sometimes delete items; return statuses and write count."""
    session = logged_in_session(base_url, username)
    statuses, acknowledged_writes = [], 0
    for number in range(rounds):
        item = {"item_name": f"{username}-{number}", "quantity": number, "price": 1.5}
        created = session.post(f"{base_url}/inventory", json=item)
        statuses.append(created.status_code)
        if created.status_code != 201:
            continue
        acknowledged_writes += 1
        url = f"{base_url}/inventory/{created.json()['item_id']}"
        responses = [session.put(url, json={"quantity": number + 1})]
        if number % 3 == 0:
            responses.append(session.delete(url))
        responses.append(session.get(f"{base_url}/history?per_page=5"))
        statuses += [response.status_code for response in responses]
        acknowledged_writes += sum(r.status_code == 200 for r in responses[:-1])
    return statuses, acknowledged_writes


def test_concurrent_writers_get_no_errors_and_one_history_row_each(app, live_server):
    users = [f"user{number}" for number in range(8)]
    with ThreadPoolExecutor(max_workers=len(users)) as pool:
        results = dict(
            zip(
                users,
                pool.map(lambda name: busy_user(live_server, name, 15), users),
                strict=True,
            )
        )

    for username, (statuses, acknowledged_writes) in results.items():
        assert all(status < 500 for status in statuses), (username, statuses)
        with app.app_context():
            user = User.find_by_username(username)
            rows = db.session.scalar(
                select(func.count())
                .select_from(History)
                .where(History.user_id == user.id)
                .where(History.action_type.in_(["create", "update", "delete"]))
            )
        assert rows == acknowledged_writes


def test_concurrent_registration_of_one_name_succeeds_once(app, live_server):
    def register(number: int) -> int:
        body = {
            "username": "Popular" if number % 2 else "popular",
            "email": f"person{number}@example.com",
            "password": PASSWORD,
        }
        return requests.post(f"{live_server}/register", json=body).status_code

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(register, range(10)))

    assert sorted(statuses) == [201] + [409] * 9
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 1
