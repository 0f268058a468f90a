from django.contrib.auth.hashers import MD5PasswordHasher


class CountingMD5Hasher(MD5PasswordHasher):
    """The tests' fast hasher, counting how many passwords it hashed (checks included)."""

    hashed = 0

    def encode(self, password: str, salt: str) -> str:
        CountingMD5Hasher.hashed += 1
        return super().encode(password, salt)
