using AuthApp.Data.Passwords;

namespace AuthApp.Tests.Unit.DjangoHashers;

/// <summary>A stored value made by Django itself, with the password (without the pepper) and pepper it was made from.</summary>
public sealed record DjangoVector(string Name, string Password, string Pepper, string Encoded, bool PepperMatters, bool Refused)
{
    public override string ToString() => Name;
}

/// <summary>
/// Values computed by Django's own hashers (Django 3.2.25, argon2-cffi 21.1.0, bcrypt 3.2.2), on Debian bookworm's
/// python3-django, python3-argon2 and python3-bcrypt (<c>apt-get install python3-django python3-argon2 python3-bcrypt</c>),
/// each stored as <c>make_password(password + pepper)</c> or <c>Hasher().encode(password + pepper, salt)</c> the way the original
/// service's PasswordUtils did, and each checked with Django's <c>check_password</c>/<c>verify</c> before it was written here.
/// Django 3.2 predates ScryptPasswordHasher (4.0+), so the snippet carries Django 4.2's encode/decode/verify unchanged
/// over <c>hashlib.scrypt</c> (OpenSSL). The snippet that printed them (run with /usr/bin/python3, output pasted below):
/// </summary>
/// <remarks>
/// <code>
/// # Generates Django-made vectors for the C# tests. Runs with Debian's python3-django 3.2.25,
/// # python3-argon2 21.1.0, python3-bcrypt 3.2.2 (bookworm).
/// import base64, hashlib, json, warnings
/// warnings.simplefilter("ignore")
/// import django
/// from django.conf import settings
/// H = 'django.contrib.auth.hashers.'
/// settings.configure(PASSWORD_HASHERS=[H + n for n in [
///     'PBKDF2PasswordHasher', 'PBKDF2SHA1PasswordHasher', 'Argon2PasswordHasher', 'BCryptSHA256PasswordHasher',
///     'BCryptPasswordHasher', 'SHA1PasswordHasher', 'MD5PasswordHasher', 'UnsaltedSHA1PasswordHasher',
///     'UnsaltedMD5PasswordHasher', 'CryptPasswordHasher']])
/// django.setup()
/// from django.contrib.auth import hashers as h
/// from django.contrib.auth.hashers import make_password, check_password
/// import argon2, bcrypt
/// 
/// class Argon2Fast(h.Argon2PasswordHasher):      # Django's hasher, cheaper parameters
///     time_cost, memory_cost, parallelism = 1, 1024, 8
/// class Argon2Legacy(h.Argon2PasswordHasher):    # Django 1.10-3.1 defaults: argon2i, t=2, m=512, p=2
///     time_cost, memory_cost, parallelism = 2, 512, 2
///     def params(self):
///         p = super().params(); p.type = argon2.low_level.Type.I; return p
/// class Argon2d(h.Argon2PasswordHasher):
///     time_cost, memory_cost, parallelism = 1, 256, 1
///     def params(self):
///         p = super().params(); p.type = argon2.low_level.Type.D; return p
/// class Argon2Long(h.Argon2PasswordHasher):      # 32-byte tag
///     time_cost, memory_cost, parallelism = 1, 512, 2
///     def params(self):
///         p = super().params(); p.hash_len = 32; return p
/// class BCryptFast(h.BCryptPasswordHasher): rounds = 4
/// class BCryptSHA256Fast(h.BCryptSHA256PasswordHasher): rounds = 4
/// 
/// # Django 4.0+'s ScryptPasswordHasher (django/contrib/auth/hashers.py, Django 4.2), verbatim apart from the
/// # encode-argument check; Debian bookworm ships Django 3.2, which predates it.
/// class ScryptPasswordHasher(h.BasePasswordHasher):
///     algorithm = "scrypt"; block_size = 8; maxmem = 0; parallelism = 1; work_factor = 2**14
///     def encode(self, password, salt, n=None, r=None, p=None):
///         assert password is not None and salt and "$" not in salt
///         n = n or self.work_factor; r = r or self.block_size; p = p or self.parallelism
///         hash_ = hashlib.scrypt(password.encode(), salt=salt.encode(), n=n, r=r, p=p, maxmem=self.maxmem, dklen=64)
///         hash_ = base64.b64encode(hash_).decode("ascii").strip()
///         return "%s$%d$%s$%d$%d$%s" % (self.algorithm, n, salt, r, p, hash_)
///     def decode(self, encoded):
///         algorithm, work_factor, salt, block_size, parallelism, hash_ = encoded.split("$", 6)
///         return dict(algorithm=algorithm, work_factor=int(work_factor), salt=salt, block_size=int(block_size),
///                     parallelism=int(parallelism), hash=hash_)
///     def verify(self, password, encoded):
///         d = self.decode(encoded)
///         return h.constant_time_compare(encoded, self.encode(password, d["salt"], d["work_factor"], d["block_size"], d["parallelism"]))
/// class ScryptSmall(ScryptPasswordHasher): work_factor, block_size, parallelism = 2**10, 8, 2
/// class ScryptTiny(ScryptPasswordHasher): work_factor, block_size, parallelism = 16, 1, 1
/// 
/// PEPPER = "vector-pepper-7Q"
/// out = []
/// def add(name, hasher, password, pepper=PEPPER, salt=None, pepper_matters=True):
///     if isinstance(hasher, str):
///         encoded = make_password(password + pepper, salt=salt, hasher=hasher)
///         ok = check_password(password + pepper, encoded)
///     else:
///         encoded = hasher.encode(password + pepper, salt or hasher.salt())
///         ok = hasher.verify(password + pepper, encoded)
///     assert ok and not (hasher_verify(hasher, password, encoded) if pepper and pepper_matters else False), name
///     out.append(dict(name=name, password=password, pepper=pepper, encoded=encoded, pepper_matters=bool(pepper) and pepper_matters))
/// def hasher_verify(hasher, pw, encoded):
///     return check_password(pw, encoded) if isinstance(hasher, str) else hasher.verify(pw, encoded)
/// 
/// class PBKDF2Fast(h.PBKDF2PasswordHasher): iterations = 1000
/// class PBKDF2SHA1Fast(h.PBKDF2SHA1PasswordHasher): iterations = 1000
/// class PBKDF2One(h.PBKDF2PasswordHasher): iterations = 1
/// 
/// add("pbkdf2_sha256 1000", PBKDF2Fast(), "correct horse battery staple")
/// add("pbkdf2_sha256 1 iteration", PBKDF2One(), "x")
/// add("pbkdf2_sha256 non-ASCII, no pepper", PBKDF2Fast(), "Pässwörd-日本-🔑", pepper="")
/// add("pbkdf2_sha256 empty password, no pepper", PBKDF2Fast(), "", pepper="")
/// add("pbkdf2_sha1 1000", PBKDF2SHA1Fast(), "correct horse battery staple")
/// add("pbkdf2_sha1 non-ASCII", PBKDF2SHA1Fast(), "Ünïcødé-пароль")
/// add("argon2id t=1 m=1024 p=8", Argon2Fast(), "correct horse battery staple")
/// add("argon2id non-ASCII, no pepper", Argon2Fast(), "Pässwörd-日本-🔑", pepper="")
/// add("argon2id empty password, no pepper", Argon2Fast(), "", pepper="")
/// add("argon2i legacy t=2 m=512 p=2", Argon2Legacy(), "correct horse battery staple")
/// add("argon2d t=1 m=256 p=1", Argon2d(), "correct horse battery staple")
/// add("argon2id 32-byte tag", Argon2Long(), "correct horse battery staple")
/// add("bcrypt_sha256 cost 4", BCryptSHA256Fast(), "correct horse battery staple")
/// add("bcrypt_sha256 long (100 chars)", BCryptSHA256Fast(), "L" * 100)
/// add("bcrypt_sha256 non-ASCII", BCryptSHA256Fast(), "Pässwörd-日本-🔑")
/// add("bcrypt cost 4", BCryptFast(), "correct horse battery staple")
/// add("bcrypt non-ASCII, no pepper", BCryptFast(), "Pässwörd-日本-🔑", pepper="")
/// add("bcrypt long (80 chars): bytes past 72 are ignored", BCryptFast(), "B" * 80, pepper_matters=False)
/// add("bcrypt $2a$", BCryptFast(), "correct horse battery staple", salt=bcrypt.gensalt(4, prefix=b"2a"))
/// add("bcrypt $2a$ 300 chars (no 8-bit length wrap in python-bcrypt)", BCryptFast(), "a" * 300, pepper_matters=False,
///     salt=bcrypt.gensalt(4, prefix=b"2a"))
/// add("bcrypt $2y$ (PHP-style prefix, accepted by python-bcrypt)", BCryptFast(), "correct horse battery staple",
///     salt=bcrypt.gensalt(4, prefix=b"2b").replace(b"$2b$", b"$2y$"))
/// add("scrypt Django default n=16384 r=8 p=1", ScryptPasswordHasher(), "correct horse battery staple")
/// add("scrypt n=1024 r=8 p=2", ScryptSmall(), "correct horse battery staple")
/// add("scrypt n=16 r=1 p=1, non-ASCII", ScryptTiny(), "Pässwörd-日本-🔑")
/// add("scrypt n=1024 r=8 p=2, no pepper", ScryptSmall(), "correct horse battery staple", pepper="")
/// add("md5", "md5", "correct horse battery staple")
/// add("md5 non-ASCII", "md5", "Pässwörd-日本-🔑")
/// add("sha1", "sha1", "correct horse battery staple")
/// add("unsalted_md5 (bare hex)", "unsalted_md5", "correct horse battery staple")
/// add("unsalted_sha1", "unsalted_sha1", "correct horse battery staple")
/// # md5$$&lt;hex&gt;: Django's identify_hasher routes 37-char md5$$ strings to UnsaltedMD5PasswordHasher.
/// e = "md5$$" + hashlib.md5(("correct horse battery staple" + PEPPER).encode()).hexdigest()
/// assert check_password("correct horse battery staple" + PEPPER, e)
/// out.append(dict(name="unsalted_md5 (md5$$ prefix)", password="correct horse battery staple", pepper=PEPPER, encoded=e, pepper_matters=True))
/// # Refused on purpose (crypt(3)): the value Django 3.2 writes, to prove it fails closed.
/// out.append(dict(name="crypt (refused)", password="correct horse battery staple", pepper=PEPPER,
///                 encoded=make_password("correct horse battery staple" + PEPPER, hasher="crypt"), refused=True))
/// out.append(dict(name="unusable", password="", pepper=PEPPER, encoded=make_password(None), refused=True))
/// print(json.dumps(dict(generator="Django %s, argon2-cffi %s, bcrypt %s" % (django.__version__, argon2.__version__, bcrypt.__version__),
///                       vectors=out), indent=1, ensure_ascii=False))
/// </code>
/// </remarks>
public static class DjangoVectors
{
    public static readonly DjangoVector[] All =
    [
        new("pbkdf2_sha256 1000", "correct horse battery staple", "vector-pepper-7Q",
            "pbkdf2_sha256$1000$lzwkxIpTrJBN52Hr0mEGTK$ejMiuWoCxvAnhXZVfBA+Y2ucwybPg7PY9zHYDhlLiR0=",
            PepperMatters: true, Refused: false),
        new("pbkdf2_sha256 1 iteration", "x", "vector-pepper-7Q",
            "pbkdf2_sha256$1$uTG6o6HpMdR4YxvQJg9TVO$D3UoW+StN7HM5CCd0hW5Kn5lqHGY/L6K5utLxny9nUI=",
            PepperMatters: true, Refused: false),
        new("pbkdf2_sha256 non-ASCII, no pepper", "Pässwörd-日本-🔑", "",
            "pbkdf2_sha256$1000$DwUIW3qTlSzpir6asOTUO6$QMAH3MMe0S68UUOgoyflaOIaL8XoHGQB9QSDwUTCRRs=",
            PepperMatters: false, Refused: false),
        new("pbkdf2_sha256 empty password, no pepper", "", "",
            "pbkdf2_sha256$1000$3geKFUUVHTASW4CeH102JF$Fy648pXDFdEnFr9DjdXNn6a+7+YBoBUnlVWx8B6jxFQ=",
            PepperMatters: false, Refused: false),
        new("pbkdf2_sha1 1000", "correct horse battery staple", "vector-pepper-7Q",
            "pbkdf2_sha1$1000$6TdAyKu3I8dQhKTn9k6Flk$xbaCXJPER9Ew6XtUfXZ4Poy9LjE=",
            PepperMatters: true, Refused: false),
        new("pbkdf2_sha1 non-ASCII", "Ünïcødé-пароль", "vector-pepper-7Q",
            "pbkdf2_sha1$1000$71qU2pdtN5mBXbOBq8Iw7Z$58usmUYtvTGmlIpmC24zjCvUoh4=",
            PepperMatters: true, Refused: false),
        new("argon2id t=1 m=1024 p=8", "correct horse battery staple", "vector-pepper-7Q",
            "argon2$argon2id$v=19$m=1024,t=1,p=8$UmpqYzQ3RklVN1A3cmliZ01kRlJzSg$u9HCp7txAoGGGWb5R/egIA",
            PepperMatters: true, Refused: false),
        new("argon2id non-ASCII, no pepper", "Pässwörd-日本-🔑", "",
            "argon2$argon2id$v=19$m=1024,t=1,p=8$ZHJZQ1c5Z1VGYkc4eFF4NXFYaWwxVw$XXf1Zj+9Mksb7g1Z2E5GMw",
            PepperMatters: false, Refused: false),
        new("argon2id empty password, no pepper", "", "",
            "argon2$argon2id$v=19$m=1024,t=1,p=8$UE8zRU5GWEIwa0JZS0VBVm15RU9mNQ$kvyeAxdMz7EJZqZa5iYfWg",
            PepperMatters: false, Refused: false),
        new("argon2i legacy t=2 m=512 p=2", "correct horse battery staple", "vector-pepper-7Q",
            "argon2$argon2i$v=19$m=512,t=2,p=2$cWxUYzNUU1c2V1owZmdMenZXY1BoTA$y6LaQKGCcGCwFt8wiBZbEw",
            PepperMatters: true, Refused: false),
        new("argon2d t=1 m=256 p=1", "correct horse battery staple", "vector-pepper-7Q",
            "argon2$argon2d$v=19$m=256,t=1,p=1$TGlvbnpsbzZFalVrUU5hNkg1Z0oxVA$2bTNV56c6uhvdwWnhEL0RQ",
            PepperMatters: true, Refused: false),
        new("argon2id 32-byte tag", "correct horse battery staple", "vector-pepper-7Q",
            "argon2$argon2id$v=19$m=512,t=1,p=2$QWFOcE1oaTQyYkRKaFdSNjMwZ3R6Zg$cjbJyZUdg6X/tn2vHLQPMP6TZQTVVqDCbr0ArZk2lUo",
            PepperMatters: true, Refused: false),
        new("bcrypt_sha256 cost 4", "correct horse battery staple", "vector-pepper-7Q",
            "bcrypt_sha256$$2b$04$t6/BMy7qGgHHB75IATpXKe0ReZBoCvToi.Euze55iM58/2PwF3oF.",
            PepperMatters: true, Refused: false),
        new("bcrypt_sha256 long (100 chars)", "LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL", "vector-pepper-7Q",
            "bcrypt_sha256$$2b$04$eey8hmODlbaD6qNlYMA7S.j11XkJsHaIpNRY.t/Qsx0jh8IwBVHYe",
            PepperMatters: true, Refused: false),
        new("bcrypt_sha256 non-ASCII", "Pässwörd-日本-🔑", "vector-pepper-7Q",
            "bcrypt_sha256$$2b$04$SZzz1nSxQMbpXTJNzd3f1u2ZzRtHxCRRqwElR.MgATWLZi5KejntW",
            PepperMatters: true, Refused: false),
        new("bcrypt cost 4", "correct horse battery staple", "vector-pepper-7Q",
            "bcrypt$$2b$04$Hzfksa/P8zOwqc5jkY0B7u.TZA0t8OjooeLMFTFV9s/DjnzVCXNBK",
            PepperMatters: true, Refused: false),
        new("bcrypt non-ASCII, no pepper", "Pässwörd-日本-🔑", "",
            "bcrypt$$2b$04$F97larT.xaq6UPIHD7UIi.FWQM9ZvNxD1WvXentjRPJ8Vh1P0wgsW",
            PepperMatters: false, Refused: false),
        new("bcrypt long (80 chars): bytes past 72 are ignored", "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB", "vector-pepper-7Q",
            "bcrypt$$2b$04$8hPCGErWt8nozhg8U1vpoOf/mg6tZWnGGs0R4wJ4eG.rtQQy6d8iO",
            PepperMatters: false, Refused: false),
        new("bcrypt $2a$", "correct horse battery staple", "vector-pepper-7Q",
            "bcrypt$$2a$04$c1XnmQx8xFWT9EAv4cFicO0KdPnDUoTzFp5DqzSGhvsOAy7plzuES",
            PepperMatters: true, Refused: false),
        new("bcrypt $2a$ 300 chars (no 8-bit length wrap in python-bcrypt)", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "vector-pepper-7Q",
            "bcrypt$$2a$04$RLKE8Ob/G0gdOiEj8uc4AOyPGRC1ENUhqblt.YTV1TebOjw7d9TOy",
            PepperMatters: false, Refused: false),
        new("bcrypt $2y$ (PHP-style prefix, accepted by python-bcrypt)", "correct horse battery staple", "vector-pepper-7Q",
            "bcrypt$$2y$04$eH4Svrgsxx.qrFeDBRBMvOWF0dFv7ej9MAiUgKqQJCKv9R7Lbkgii",
            PepperMatters: true, Refused: false),
        new("scrypt Django default n=16384 r=8 p=1", "correct horse battery staple", "vector-pepper-7Q",
            "scrypt$16384$E6HE3IEyvbJQ4Yrucr3WjA$8$1$MXNWseVHdC2b5jimy3eqAig0aYB2in8i1lAu8uV1olPMENxF7kZP/qgBeF8bBlEW90lq8U9nTV8j/sk4VwNyxg==",
            PepperMatters: true, Refused: false),
        new("scrypt n=1024 r=8 p=2", "correct horse battery staple", "vector-pepper-7Q",
            "scrypt$1024$tfKKYTTzc63zRfvTpqYbAI$8$2$zJt4AdBuamlE+pmHjZVw87m5CZ1ve/YdafwE/NSiTQiJaIyszMbVtLS7PuAPZDAW5rXxyMrU6Pq6fSavqCUT+A==",
            PepperMatters: true, Refused: false),
        new("scrypt n=16 r=1 p=1, non-ASCII", "Pässwörd-日本-🔑", "vector-pepper-7Q",
            "scrypt$16$oxBokp3bKKblqR9tSSOhi9$1$1$AKVC9+EuRhuosbB93rQmSPQvxfRMV5tZOBKucYLH2u8JTiHtoADPEvi0n8Bf2TLUQcw9JQLPCIabDGSM0bs/Ag==",
            PepperMatters: true, Refused: false),
        new("scrypt n=1024 r=8 p=2, no pepper", "correct horse battery staple", "",
            "scrypt$1024$Uu2yCG9Fpk2QPx7Lqjf3KW$8$2$iiDK7KGnQF22hwG+/wNrP3Brgdia94BcH0CsV8DCtybFaqDr2Vy+x6IoZdt7OJybySz4BWrZc6xdof0YCcZn7g==",
            PepperMatters: false, Refused: false),
        new("md5", "correct horse battery staple", "vector-pepper-7Q",
            "md5$r6ck7lr3pWNR6MN9ZMbvyp$f6f8acb62f1e0e12f09f7e4b048cf01b",
            PepperMatters: true, Refused: false),
        new("md5 non-ASCII", "Pässwörd-日本-🔑", "vector-pepper-7Q",
            "md5$4lQ4qM4kSa9UrfsAurApQF$63b08866337799a8548f2a7bced84d6b",
            PepperMatters: true, Refused: false),
        new("sha1", "correct horse battery staple", "vector-pepper-7Q",
            "sha1$SL3bechh5v8nLMZecCWGhA$444ed7f5f03d3fffeaa4febe1e9db00794a3cfe2",
            PepperMatters: true, Refused: false),
        new("unsalted_md5 (bare hex)", "correct horse battery staple", "vector-pepper-7Q",
            "80c2c21a8d44e1c1acfa28bf742a7ea0",
            PepperMatters: true, Refused: false),
        new("unsalted_sha1", "correct horse battery staple", "vector-pepper-7Q",
            "sha1$$420e5a522802323a0e5ebe8d2a6f685dce51ebce",
            PepperMatters: true, Refused: false),
        new("unsalted_md5 (md5$$ prefix)", "correct horse battery staple", "vector-pepper-7Q",
            "md5$$80c2c21a8d44e1c1acfa28bf742a7ea0",
            PepperMatters: true, Refused: false),
        new("crypt (refused)", "correct horse battery staple", "vector-pepper-7Q",
            "crypt$$QEL43LYKbeyK.",
            PepperMatters: false, Refused: true),
        new("unusable", "", "vector-pepper-7Q",
            "!kmJA6L8GjB0iZXO2xcX6UdzEseVybcGsMqxdZTj2",
            PepperMatters: false, Refused: true),
    ];
}
