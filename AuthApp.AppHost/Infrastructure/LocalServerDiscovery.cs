namespace AuthApp.AppHost.Infrastructure;

/// <summary>The server programs that <c>local</c> mode runs.</summary>
public sealed record LocalServerPrograms(string PostgresBinDirectory, string RedisServer)
{
    public string Postgres => Path.Combine(PostgresBinDirectory, "postgres");
    public string InitDb => Path.Combine(PostgresBinDirectory, "initdb");
}

/// <summary>
/// Finds PostgreSQL and Redis server programs the way a person would: on PATH first, then in the
/// distribution's versioned folders (Debian and Ubuntu put PostgreSQL in /usr/lib/postgresql/N/bin,
/// which is not on PATH). The newest PostgreSQL wins.
/// </summary>
public static class LocalServerDiscovery
{
    public static readonly string[] PostgresSearchPatterns =
    [
        "/usr/lib/postgresql/*/bin",
        "/usr/pgsql-*/bin",
        "/opt/homebrew/opt/postgresql@*/bin",
        "/usr/local/opt/postgresql@*/bin",
    ];

    public static LocalServerPrograms? Find() =>
        Find(Environment.GetEnvironmentVariable("PATH"), File.Exists, ExpandPattern);

    public static LocalServerPrograms? Find(string? pathVariable, Func<string, bool> fileExists, Func<string, IEnumerable<string>> expandPattern)
    {
        var pathDirectories = (pathVariable ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);

        var postgresBin = pathDirectories
            .Where(d => fileExists(Path.Combine(d, "postgres")) && fileExists(Path.Combine(d, "initdb")))
            .FirstOrDefault()
            ?? PostgresSearchPatterns
                .SelectMany(expandPattern)
                .Where(d => fileExists(Path.Combine(d, "postgres")) && fileExists(Path.Combine(d, "initdb")))
                .OrderByDescending(VersionOf)
                .FirstOrDefault();

        var redis = pathDirectories
            .Concat(["/usr/bin", "/usr/local/bin", "/usr/sbin", "/opt/homebrew/bin"])
            .Select(d => Path.Combine(d, "redis-server"))
            .FirstOrDefault(fileExists);

        return postgresBin is not null && redis is not null ? new LocalServerPrograms(postgresBin, redis) : null;
    }

    /// <summary>The major version in a folder such as /usr/lib/postgresql/15/bin (0 when there is none).</summary>
    public static int VersionOf(string binDirectory)
    {
        foreach (var part in binDirectory.Split('/', '-', '@'))
        {
            if (int.TryParse(part, out var version))
            {
                return version;
            }
        }
        return 0;
    }

    private static IEnumerable<string> ExpandPattern(string pattern)
    {
        // Patterns have one '*' in a directory name: expand it against the file system.
        var star = pattern.IndexOf('*');
        var parent = Path.GetDirectoryName(pattern[..star])!;
        var segmentEnd = pattern.IndexOf('/', star);
        var segment = segmentEnd < 0 ? pattern[(parent.Length + 1)..] : pattern[(parent.Length + 1)..segmentEnd];
        var rest = segmentEnd < 0 ? "" : pattern[(segmentEnd + 1)..];
        if (!Directory.Exists(parent))
        {
            return [];
        }
        return Directory.EnumerateDirectories(parent, segment).Select(d => rest.Length == 0 ? d : Path.Combine(d, rest));
    }
}
