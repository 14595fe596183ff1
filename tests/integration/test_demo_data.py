from sqlalchemy import func, select

from portal.accounts.models import User
from portal.extensions import db


def count_users(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


def test_demo_data_makes_the_contract_logins(app):
    result = app.test_cli_runner().invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        logins = set(db.session.scalars(select(func.coalesce(User.email, User.username))))
    assert logins == {
        "parent@demo.test",
        "sam",
        "caseworker@demo.test",
        "admin@demo.test",
        "champion@demo.test",
        "other.parent@demo.test",
    }


def test_demo_data_twice_changes_nothing(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["demo-data"])
    second = runner.invoke(args=["demo-data"])
    assert second.exit_code == 0
    assert "already loaded" in second.output
    assert count_users(app) == 6


def test_demo_data_if_empty_leaves_a_used_database_alone(app):
    from tests.conftest import make_user

    with app.app_context():
        make_user("real.person@example.org")
    result = app.test_cli_runner().invoke(args=["demo-data", "--if-empty"])
    assert "already has users" in result.output
    assert count_users(app) == 1


def test_demo_data_is_refused_outside_debug_or_demo_mode(app):
    app.config["DEMO_MODE"] = False
    result = app.test_cli_runner().invoke(args=["demo-data"])
    assert result.exit_code != 0
    assert "only for debug or demo mode" in result.output
    assert count_users(app) == 0
