using System.IO.Compression;

namespace AuthApp.Api.Passwords;

/// <summary>
/// Django's list of 19,727 common passwords (BSD-3-Clause, see common-passwords.LICENSE beside it),
/// embedded in the assembly and read once.
/// </summary>
public sealed class CommonPasswords
{
    private readonly HashSet<string> _passwords;

    public CommonPasswords()
    {
        using var stream = typeof(CommonPasswords).Assembly.GetManifestResourceStream("AuthApp.Api.common-passwords.txt.gz")
            ?? throw new InvalidOperationException("The embedded common-password list is missing from the build.");
        using var gzip = new GZipStream(stream, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        _passwords = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Trim() is { Length: > 0 } password)
            {
                _passwords.Add(password);
            }
        }
    }

    public int Count => _passwords.Count;

    /// <summary>Django compares password.lower().strip() against the lower-cased list.</summary>
    public bool Contains(string password) => _passwords.Contains(password.Trim().ToLowerInvariant());
}
