"""Throttled sign-in: an account is locked after five failures, for a cool-off the page
states; one room's address is counted on its own at a much higher limit, so one
person's typos lock nobody else out; the admin's sign-in and the password reset are
throttled too."""

from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from accounts.models import ResetRequest
from tests.conftest import PASSWORD, make_user

LOGIN = "/accounts/login/"


def sign_in(client, username, password, address="10.0.0.1", url=LOGIN):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


def text_of(response) -> str:
    return " ".join(response.content.decode().split())


def signed_in_as(client) -> str:
    user_id = client.session.get("_auth_user_id")
    return get_user_model().objects.get(pk=user_id).username if user_id else ""


def test_the_fifth_bad_password_locks_the_account_and_says_how_long_to_wait(db):
    make_user("ann")
    client = Client()
    for _ in range(4):
        response = sign_in(client, "ann", "wrong")
        assert response.status_code == 200
        assert "didn’t match" in response.content.decode()
    locked = sign_in(client, "ann", "wrong")
    assert locked.status_code == 429
    text = text_of(locked)
    assert "This account had 5 failed sign-ins in a row, so it is locked for a while." in text
    assert "Try again in 15 minutes" in text
    # The right password does not open it either, until the cool-off has passed.
    assert sign_in(client, "ann", PASSWORD).status_code == 429
    assert signed_in_as(client) == ""


def test_another_account_behind_the_same_address_still_signs_in(db):
    make_user("ann")
    make_user("bob")
    for _ in range(6):
        sign_in(Client(), "ann", "wrong")
    colleague = Client()
    response = sign_in(colleague, "bob", PASSWORD)
    assert response.status_code == 302
    assert signed_in_as(colleague) == "bob"


def test_a_success_before_the_limit_starts_the_count_again(db):
    make_user("ann")
    client = Client()
    for _ in range(4):
        sign_in(client, "ann", "wrong")
    assert sign_in(client, "ann", PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(4):
        assert sign_in(client, "ann", "wrong").status_code == 200
    assert sign_in(client, "ann", PASSWORD).status_code == 302


def test_an_address_is_paused_after_many_failures_across_accounts(db, settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 8
    make_user("ann")
    for number in range(8):  # eight accounts guessed from one address, each under its own limit
        assert sign_in(Client(), f"guess{number}", "wrong", address="10.9.9.9").status_code == 200
    paused = sign_in(Client(), "ann", PASSWORD, address="10.9.9.9")
    assert paused.status_code == 429
    assert "There were 8 failed sign-ins from your network in a short time" in text_of(paused)
    elsewhere = Client()
    assert sign_in(elsewhere, "ann", PASSWORD, address="10.0.0.2").status_code == 302


def test_the_admin_sign_in_is_throttled_too(db):
    admin = make_user("root")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = Client()
    for _ in range(4):
        assert sign_in(client, "root", "wrong", url="/admin/login/").status_code == 200
    assert sign_in(client, "root", "wrong", url="/admin/login/").status_code == 429
    assert sign_in(client, "root", PASSWORD, url="/admin/login/").status_code == 429


def test_the_password_reset_is_throttled_per_address_typed_and_per_address(db, settings):
    make_user("ann").__class__.objects.filter(username="ann").update(email="ann@example.org")
    client = Client()
    for _ in range(3):
        response = client.post("/accounts/password_reset/", {"email": "Ann@Example.org"}, REMOTE_ADDR="10.0.0.5")
        assert response.status_code == 302
    assert len(mail.outbox) == 3
    limited = client.post("/accounts/password_reset/", {"email": "ann@example.org"}, REMOTE_ADDR="10.0.0.6")
    assert limited.status_code == 429
    text = text_of(limited)
    assert "Too many password reset requests" in text and 'value="ann@example.org"' in text
    assert len(mail.outbox) == 3
    settings.PASSWORD_RESETS_PER_ADDRESS_PER_HOUR = 4
    assert client.post("/accounts/password_reset/", {"email": "x@example.org"}, REMOTE_ADDR="10.0.0.5").status_code == 302
    assert client.post("/accounts/password_reset/", {"email": "y@example.org"}, REMOTE_ADDR="10.0.0.5").status_code == 429
    assert not ResetRequest.objects.filter(email_digest__contains="@").exists()  # digests, never addresses


def test_a_password_reset_whose_mail_cannot_be_sent_is_logged_not_a_500(db, settings, caplog):
    """Django's reset form logs a mail it could not send, and answers as for any address
    (saying otherwise would tell which addresses have accounts)."""
    ann = make_user("ann")
    ann.__class__.objects.filter(username="ann").update(email="ann@example.org")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    response = Client().post("/accounts/password_reset/", {"email": "ann@example.org"}, follow=True)
    assert response.status_code == 200 and "Check your e-mail" in text_of(response)
    assert any(record.levelname == "ERROR" and f"{ann.pk}" in record.getMessage() for record in caplog.records)


def test_passwords_are_hashed_with_argon2id_and_older_hashes_are_upgraded_at_sign_in(db, settings):
    from django.contrib.auth.hashers import make_password

    from socproposal import settings as project

    settings.PASSWORD_HASHERS = project.PASSWORD_HASHERS  # the tests' own fast hasher set aside
    User = get_user_model()
    ann = User.objects.create_user("ann", password="correct-horse-2028")
    assert ann.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    User.objects.filter(pk=ann.pk).update(password=make_password("correct-horse-2028", hasher="pbkdf2_sha256"))
    assert sign_in(Client(), "ann", "correct-horse-2028").status_code == 302
    assert User.objects.get(pk=ann.pk).password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
