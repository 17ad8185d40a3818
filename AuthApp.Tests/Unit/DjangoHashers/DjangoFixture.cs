using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;
using AuthApp.Data.Passwords;

namespace AuthApp.Tests.Unit.DjangoHashers;

/// <summary>
/// The original service's users table as Django writes it (Fixtures/Django): django-users.json has the named users' plaintext
/// passwords and the pepper, django-users.sql.gz (the PostgreSQL dump) has their stored hashes.
/// </summary>
public static partial class DjangoFixture
{
    public sealed record User(string Id, string Username, string? Password, string Hasher, string StoredPrefix, string StoredHash)
    {
        public override string ToString() => Hasher;
    }

    private static readonly Lazy<(string Pepper, string BulkPassword, User[] Users, string[] BulkHashes)> Data = new(Load);

    public static string Pepper => Data.Value.Pepper;

    public static string BulkPassword => Data.Value.BulkPassword;

    public static IReadOnlyList<User> Users => Data.Value.Users;

    public static IReadOnlyList<string> BulkHashes => Data.Value.BulkHashes;

    public static User ByHasher(string hasher) => Users.Single(u => u.Hasher == hasher);

    /// <summary>
    /// Fixtures/Django in the test output, copied from the repository's AuthApp.Tests/Fixtures/Django (its generate.sh
    /// makes the files with Django's own hashers).
    /// </summary>
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Fixtures", "Django");

    private static (string, string, User[], string[]) Load()
    {
        var dir = Directory;
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "django-users.json")));
        var root = json.RootElement;

        // id → password column, from the INSERT rows: ('id', 'email', 'username', 'password', …
        var hashes = new Dictionary<string, string>();
        using (var gz = new GZipStream(File.OpenRead(Path.Combine(dir, "django-users.sql.gz")), CompressionMode.Decompress))
        using (var reader = new StreamReader(gz))
        {
            while (reader.ReadLine() is { } line)
            {
                var row = Row().Match(line);
                if (row.Success)
                {
                    hashes[row.Groups["id"].Value] = row.Groups["password"].Value.Replace("''", "'");
                }
            }
        }

        var users = root.GetProperty("users").EnumerateArray().Select(u => new User(
            u.GetProperty("id").GetString()!,
            u.GetProperty("username").GetString()!,
            u.GetProperty("password").GetString(),
            u.GetProperty("hasher").GetString()!,
            u.GetProperty("stored_prefix").GetString()!,
            hashes[u.GetProperty("id").GetString()!])).ToArray();
        var named = users.Select(u => u.Id).ToHashSet();
        var bulk = hashes.Where(kv => !named.Contains(kv.Key)).Select(kv => kv.Value).ToArray();
        return (root.GetProperty("pepper").GetString()!, root.GetProperty("bulk").GetProperty("password").GetString()!, users, bulk);
    }

    [GeneratedRegex(@"^\s*\('(?<id>[0-9a-f-]{36})', '(?:[^']|'')*', '(?:[^']|'')*', '(?<password>(?:[^']|'')*)'")]
    private static partial Regex Row();
}
