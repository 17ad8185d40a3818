using System.Security.Cryptography;
using System.Text;

namespace AuthApp.AppHost.Infrastructure;

/// <summary>
/// Where <c>local</c> mode keeps server data. Run mode keeps it between runs (like a container data
/// volume); tests pass <c>AuthApp:Local:DataDirectory</c> with a fresh temporary folder.
/// The default lives under /var/tmp rather than the home folder, because PostgreSQL runs as an
/// unprivileged user when the AppHost is root and must be able to reach its folder (/root is 0700).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public static class LocalDataDirectory
{
    public const string SettingName = "AuthApp:Local:DataDirectory";

    private const UnixFileMode OpenToTraverse =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    public static string Resolve(string? configured, string appHostDirectory)
    {
        var root = string.IsNullOrWhiteSpace(configured)
            ? Path.Combine("/var/tmp", "authapp", ShortHash(appHostDirectory))
            : Path.GetFullPath(configured);
        Directory.CreateDirectory(root, OpenToTraverse);
        // A folder that already existed may be private (mktemp -d makes 0700): PostgreSQL, run as its own
        // user when the AppHost is root, must be able to pass through it to its data directory.
        File.SetUnixFileMode(root, File.GetUnixFileMode(root) | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        return root;
    }

    /// <summary>A password kept beside the data it protects, so that a kept data folder and its password never drift apart.</summary>
    public static string ReadOrCreateSecret(string root, string name)
    {
        var path = Path.Combine(root, $"{name}.secret");
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }

        var secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        File.WriteAllText(path, secret);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return secret;
    }

    private static string ShortHash(string text) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..12].ToLowerInvariant();
}
