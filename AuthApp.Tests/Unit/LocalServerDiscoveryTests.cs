using AuthApp.AppHost.Infrastructure;

namespace AuthApp.Tests.Unit;

public sealed class LocalServerDiscoveryTests
{
    private static LocalServerPrograms? Find(string path, HashSet<string> files, Dictionary<string, string[]> patterns) =>
        LocalServerDiscovery.Find(path, files.Contains, pattern => patterns.GetValueOrDefault(pattern, []));

    [Fact]
    public void Finds_the_newest_debian_postgres_when_it_is_not_on_path()
    {
        var files = new HashSet<string>
        {
            "/usr/lib/postgresql/13/bin/postgres", "/usr/lib/postgresql/13/bin/initdb",
            "/usr/lib/postgresql/15/bin/postgres", "/usr/lib/postgresql/15/bin/initdb",
            "/usr/bin/redis-server",
        };
        var patterns = new Dictionary<string, string[]>
        {
            ["/usr/lib/postgresql/*/bin"] = ["/usr/lib/postgresql/13/bin", "/usr/lib/postgresql/15/bin"],
        };

        var found = Find("/usr/local/bin:/usr/bin", files, patterns);

        Assert.NotNull(found);
        Assert.Equal("/usr/lib/postgresql/15/bin", found.PostgresBinDirectory);
        Assert.Equal("/usr/lib/postgresql/15/bin/initdb", found.InitDb);
        Assert.Equal("/usr/bin/redis-server", found.RedisServer);
    }

    [Fact]
    public void Prefers_programs_on_path()
    {
        var files = new HashSet<string>
        {
            "/opt/pg/bin/postgres", "/opt/pg/bin/initdb", "/opt/redis/redis-server",
            "/usr/lib/postgresql/15/bin/postgres", "/usr/lib/postgresql/15/bin/initdb",
        };
        var found = Find("/opt/redis:/opt/pg/bin", files, new() { ["/usr/lib/postgresql/*/bin"] = ["/usr/lib/postgresql/15/bin"] });
        Assert.Equal("/opt/pg/bin", found?.PostgresBinDirectory);
        Assert.Equal("/opt/redis/redis-server", found?.RedisServer);
    }

    [Fact]
    public void A_postgres_without_initdb_does_not_count()
    {
        var files = new HashSet<string> { "/usr/bin/postgres", "/usr/bin/redis-server" };
        Assert.Null(Find("/usr/bin", files, []));
    }

    [Fact]
    public void Missing_redis_means_nothing_found()
    {
        var files = new HashSet<string> { "/usr/lib/postgresql/15/bin/postgres", "/usr/lib/postgresql/15/bin/initdb" };
        Assert.Null(Find("/usr/bin", files, new() { ["/usr/lib/postgresql/*/bin"] = ["/usr/lib/postgresql/15/bin"] }));
    }

    [Theory]
    [InlineData("/usr/lib/postgresql/15/bin", 15)]
    [InlineData("/usr/pgsql-16/bin", 16)]
    [InlineData("/opt/homebrew/opt/postgresql@14/bin", 14)]
    [InlineData("/usr/bin", 0)]
    public void Reads_the_major_version_from_the_folder(string folder, int version) =>
        Assert.Equal(version, LocalServerDiscovery.VersionOf(folder));

    [Fact]
    public void Root_runs_postgres_as_the_postgres_user_or_nobody()
    {
        var withPostgres = UnprivilegedUser.FromPasswd(["root:x:0:0:root:/root:/bin/bash", "postgres:x:101:104::/var/lib/postgresql:/bin/bash", "nobody:x:65534:65534::/:/usr/sbin/nologin"]);
        Assert.Equal(new UnprivilegedUser("postgres", 101, 104), withPostgres);
        Assert.Equal(["setpriv", "--reuid=101", "--regid=104", "--clear-groups", "--", "/bin/postgres"], withPostgres!.Wrap("/bin/postgres"));

        var withoutPostgres = UnprivilegedUser.FromPasswd(["root:x:0:0:root:/root:/bin/bash", "nobody:x:65534:65534::/:/usr/sbin/nologin"]);
        Assert.Equal("nobody", withoutPostgres?.Name);
    }
}

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class LocalDataDirectoryTests
{
    [Fact]
    public void An_existing_private_folder_is_made_traversable_for_the_postgres_user()
    {
        var folder = Directory.CreateTempSubdirectory("authapp-unit-").FullName; // 0700, like mktemp -d
        try
        {
            Assert.Equal(0, (int)(File.GetUnixFileMode(folder) & UnixFileMode.OtherExecute));
            var resolved = LocalDataDirectory.Resolve(folder, "/unused");
            Assert.Equal(folder, resolved);
            Assert.True(File.GetUnixFileMode(folder).HasFlag(UnixFileMode.OtherExecute));
            Assert.False(File.GetUnixFileMode(folder).HasFlag(UnixFileMode.OtherRead)); // nothing more than passing through
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void The_default_folder_depends_on_the_apphost_folder_and_survives_runs()
    {
        var first = LocalDataDirectory.Resolve(null, "/some/checkout/AuthApp.AppHost");
        var again = LocalDataDirectory.Resolve("", "/some/checkout/AuthApp.AppHost");
        var other = LocalDataDirectory.Resolve(null, "/another/checkout/AuthApp.AppHost");
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.StartsWith("/var/tmp/authapp/", first);
        Directory.Delete(first);
        Directory.Delete(other);
    }

    [Fact]
    public void Secrets_are_generated_once_and_kept_private()
    {
        var folder = Directory.CreateTempSubdirectory("authapp-unit-").FullName;
        try
        {
            var secret = LocalDataDirectory.ReadOrCreateSecret(folder, "postgres");
            Assert.Equal(48, secret.Length);
            Assert.Equal(secret, LocalDataDirectory.ReadOrCreateSecret(folder, "postgres"));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(folder, "postgres.secret")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
