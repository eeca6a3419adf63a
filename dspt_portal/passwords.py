"""Password hashing (Argon2id) and NCSC-style password rules: length over complexity, no common passwords."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 10
MAX_LENGTH = 128
_hasher = PasswordHasher()
# A hash to verify against when the e-mail is unknown, so timing does not reveal which accounts exist.
_DUMMY_HASH = _hasher.hash("not-a-real-password-ever")

# The most common passwords from public breach lists (NCSC's "PwnedPasswordsTop100k" starts with these).
COMMON = frozenset(
    [
        "123456",
        "123456789",
        "qwerty",
        "password",
        "12345678",
        "111111",
        "1234567890",
        "1234567",
        "qwerty123",
        "000000",
        "1q2w3e",
        "aa12345678",
        "abc123",
        "password1",
        "1234",
        "qwertyuiop",
        "123321",
        "password123",
        "1q2w3e4r5t",
        "iloveyou",
        "654321",
        "666666",
        "987654321",
        "123123",
        "qwe123",
        "7777777",
        "1qaz2wsx",
        "123qwe",
        "1q2w3e4r",
        "123456789a",
        "password12",
        "passw0rd",
        "letmein123",
        "welcome123",
        "welcome1",
        "changeme123",
        "administrator",
        "p@ssw0rd",
        "p@ssword1",
        "qwertyuiop1",
        "iloveyou123",
        "football123",
        "monkey1234",
        "dragon1234",
        "sunshine12",
        "princess12",
        "trustno1234",
        "nhsdigital",
        "nhsengland1",
        "password1234",
        "password12345",
    ]
)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; always does the same work when there is no hash."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str, *, email: str = "") -> str | None:
    """The reason a new password is refused, in plain English, or None."""
    if len(password) < MIN_LENGTH:
        return f"Password must be at least {MIN_LENGTH} characters long"
    if len(password) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH} characters or fewer"
    lowered = password.lower()
    if lowered in COMMON or len(set(lowered)) < 4:
        return "Choose a password that is harder to guess: try three random words"
    if email and email.split("@")[0].lower() in lowered:
        return "Password must not contain your e-mail address"
    return None
