namespace AuthApp.Data.Passwords;

/// <summary>The stored-password formats of Django, named after the algorithm prefix Django writes.</summary>
public enum DjangoHashFormat
{
    /// <summary>Not a value Django writes (AuthApp's own <c>$argon2id$…</c>, ASP.NET Identity, garbage).</summary>
    Unknown,

    /// <summary><c>!…</c>: <c>set_unusable_password()</c>. Never logs in.</summary>
    Unusable,

    /// <summary><c>pbkdf2_sha256$iterations$salt$base64(32 bytes)</c>: Django's default.</summary>
    Pbkdf2Sha256,

    /// <summary><c>pbkdf2_sha1$iterations$salt$base64(20 bytes)</c>.</summary>
    Pbkdf2Sha1,

    /// <summary><c>argon2$argon2id$v=19$m=…,t=…,p=…$salt$tag</c> (also <c>argon2i</c>, <c>argon2d</c>).</summary>
    Argon2,

    /// <summary><c>bcrypt_sha256$$2b$cost$…</c>: bcrypt over the hex SHA-256 of the password.</summary>
    BcryptSha256,

    /// <summary><c>bcrypt$$2b$cost$…</c>: bcrypt over the password (first 72 bytes).</summary>
    Bcrypt,

    /// <summary><c>scrypt$N$salt$r$p$base64(64 bytes)</c> (Django 4.0+).</summary>
    Scrypt,

    /// <summary><c>md5$salt$hex</c>: MD5(salt + password).</summary>
    Md5,

    /// <summary><c>sha1$salt$hex</c>: SHA-1(salt + password) (Django ≤ 5.0).</summary>
    Sha1,

    /// <summary>32 lowercase hex digits, or <c>md5$$hex</c>: MD5(password) (Django ≤ 5.0).</summary>
    UnsaltedMd5,

    /// <summary><c>sha1$$hex</c>: SHA-1(password) (Django ≤ 5.0).</summary>
    UnsaltedSha1,

    /// <summary><c>crypt$$…</c>: Unix crypt(3), DES, 8-character passwords. Recognized, deliberately not verified.</summary>
    Crypt,
}

/// <summary>What <see cref="DjangoPasswordVerifier.Inspect"/> found, without computing anything expensive.</summary>
public enum DjangoHashStatus
{
    /// <summary>Well-formed and within <see cref="DjangoHashLimits"/>: a login can verify it.</summary>
    Verifiable,

    /// <summary>Not a Django value.</summary>
    Unknown,

    /// <summary>An unusable password: no password matches it.</summary>
    Unusable,

    /// <summary>A Django format this component deliberately does not verify (fails closed).</summary>
    Unsupported,

    /// <summary>A Django prefix, but a value Django itself could never verify.</summary>
    Malformed,

    /// <summary>Well-formed, but asks for more memory or work than <see cref="DjangoHashLimits"/> allow.</summary>
    CostTooHigh,
}

/// <summary>The result of <see cref="DjangoPasswordVerifier.Inspect"/>; <see cref="Reason"/> is safe to log (no hash material).</summary>
public readonly record struct DjangoHashInfo(DjangoHashFormat Format, DjangoHashStatus Status, string? Reason = null)
{
    public bool IsVerifiable => Status == DjangoHashStatus.Verifiable;
}
