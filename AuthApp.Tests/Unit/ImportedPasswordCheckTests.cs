using AuthApp.Data.Passwords;
using AuthApp.MigrationService.DjangoImport;
using Microsoft.Extensions.Options;

namespace AuthApp.Tests.Unit;

/// <summary>The import report says exactly which stored values can log in, including values that are not Django's.</summary>
public sealed class ImportedPasswordCheckTests
{
    private static readonly PasswordHasher Hasher = new(Options.Create(new PasswordHashingOptions()));

    [Theory]
    [InlineData("$argon2id$v=19$m=32768,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$5f26cFV8e24nrLpUAiNH+b/hIflbkh0+hSwXdfYsyjE", null)]
    [InlineData("pbkdf2_sha256$1000$seasalt123$mi/mouJNitkW01F5F1gueFuRlWbcQkpDEMxeAA/Xa9k=", null)]
    [InlineData("$argon2id$v=19$m=1048576,t=20,p=1$c2FsdHNhbHRzYWx0c2FsdA$5f26cFV8e24nrLpUAiNH+b/hIflbkh0+hSwXdfYsyjE", "beyond AuthApp's bounds")]
    [InlineData("$argon2id$v=19$m=19456,t=2,p=1,m=19456$c2FsdHNhbHRzYWx0c2FsdA$5f26cFV8e24nrLpUAiNH+b/hIflbkh0+hSwXdfYsyjE", "malformed")]
    [InlineData("AQAAAAEAACcQAAAAEAABAgMEBQYHCAkKCwwNDg/Z+V9lwt+dKF0miCMAylvinj7VAFVmY4NcTGLicFFQIg==", "AcceptIdentityV3")]
    [InlineData("", "no password")]
    [InlineData("something else", "not a Django password format")]
    public void Each_value_is_reported_as_the_login_would_treat_it(string stored, string? problem)
    {
        var reported = ImportedPasswordCheck.Problem(stored, Hasher);
        if (problem is null)
        {
            Assert.Null(reported);
        }
        else
        {
            Assert.Contains(problem, reported);
        }
    }
}
