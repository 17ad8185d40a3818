using AuthApp.Data;
using AuthApp.Data.Passwords;
using AuthApp.MigrationService;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AuthApp.Tests.InProcess;

/// <summary>
/// The migration worker's superuser seed against the real database: idempotent for its own account, and a clear one-line
/// refusal, never a takeover or a stack trace, when the name belongs to someone else or a setting is unusable.
/// </summary>
[Collection(InProcessCollection.Name)]
public sealed class SuperuserSeedTests(ServersFixture servers)
{
    private readonly PasswordHasher _hasher =
        new(Options.Create(new PasswordHashingOptions { MemorySizeKiB = 8192, Iterations = 1 }));

    [Fact]
    public async Task A_second_seed_with_another_email_but_the_same_username_names_the_conflict_and_the_fix()
    {
        var username = "seed" + Guid.NewGuid().ToString("N")[..12];
        await SeedAsync(username, $"{username}-first@example.com");

        var conflict = await Assert.ThrowsAsync<SeedException>(() => SeedAsync(username, $"{username}-second@example.com"));

        Assert.Contains($"the username '{username}' belongs to another account ({username}-first@example.com)", conflict.Message);
        Assert.Contains("AuthApp:Superuser:Username", conflict.Message);
        Assert.DoesNotContain('\n', conflict.Message);
        await using var db = NewContext();
        var stored = await db.Users.AsNoTracking().SingleAsync(u => u.NormalizedUsername == username);
        Assert.Equal($"{username}-first@example.com", stored.Email); // the first account is untouched
    }

    [Fact]
    public async Task Seeding_the_same_account_again_keeps_its_password_and_makes_it_an_active_superuser()
    {
        var username = "seed" + Guid.NewGuid().ToString("N")[..12];
        await SeedAsync(username, $"{username}@example.com");
        await using (var db = NewContext())
        {
            await db.Users.Where(u => u.NormalizedUsername == username).ExecuteUpdateAsync(u => u.SetProperty(x => x.IsActive, false));
        }
        string hashBefore;
        await using (var db = NewContext())
        {
            hashBefore = (await db.Users.SingleAsync(u => u.NormalizedUsername == username)).PasswordHash;
        }

        await SeedAsync(username, $"{username}@example.com", password: "Another-Password-77");

        await using var after = NewContext();
        var user = await after.Users.AsNoTracking().SingleAsync(u => u.NormalizedUsername == username);
        Assert.True(user.IsActive && user.IsStaff && user.IsSuperuser);
        Assert.Equal(hashBefore, user.PasswordHash);
    }

    [Theory]
    [InlineData("not-an-address", "AuthApp:Superuser:Email")]
    [InlineData("ok@example.com", "fewer than 8 characters", "short")]
    [InlineData("ok@example.com", "AuthApp:Superuser:Username", "Long-Enough-Password-1", "a b")]
    public async Task Unusable_settings_are_refused_with_the_setting_to_change(
        string email, string named, string password = "Long-Enough-Password-1", string username = "seedok")
    {
        var refused = await Assert.ThrowsAsync<SeedException>(() => SeedAsync(username, email, password));
        Assert.Contains(named, refused.Message);
    }

    private async Task SeedAsync(string username, string email, string password = "Long-Enough-Password-1")
    {
        await using var db = NewContext();
        var options = Options.Create(new SuperuserOptions { Email = email, Username = username, Password = password });
        await new SuperuserSeeder(db, _hasher, options, new FakeTimeProvider(DateTimeOffset.UtcNow), NullLogger<SuperuserSeeder>.Instance)
            .SeedAsync(CancellationToken.None);
    }

    private AuthDbContext NewContext() => new(new DbContextOptionsBuilder<AuthDbContext>()
        .UseNpgsql(servers.DatabaseConnectionString).UseSnakeCaseNamingConvention().Options);
}
