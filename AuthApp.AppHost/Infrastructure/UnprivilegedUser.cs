using System.Diagnostics;

namespace AuthApp.AppHost.Infrastructure;

/// <summary>
/// PostgreSQL refuses to run as root. When the AppHost is root, the server and initdb are started
/// through <c>setpriv</c> as the distribution's <c>postgres</c> user (or <c>nobody</c>). setpriv
/// execs the program directly, so the orchestrator's stop signal reaches PostgreSQL itself.
/// </summary>
public sealed record UnprivilegedUser(string Name, int Uid, int Gid)
{
    public static UnprivilegedUser? ForPostgresWhenRoot() =>
        Environment.IsPrivilegedProcess && OperatingSystem.IsLinux() ? FromPasswd(File.ReadAllLines("/etc/passwd")) : null;

    public static UnprivilegedUser? FromPasswd(IEnumerable<string> passwdLines)
    {
        var users = passwdLines
            .Select(line => line.Split(':'))
            .Where(f => f.Length >= 4 && int.TryParse(f[2], out _) && int.TryParse(f[3], out _))
            .ToDictionary(f => f[0], f => new UnprivilegedUser(f[0], int.Parse(f[2]), int.Parse(f[3])));
        return users.GetValueOrDefault("postgres") ?? users.GetValueOrDefault("nobody")
               ?? throw new InfrastructureException("Running as root, but neither a 'postgres' nor a 'nobody' user exists to run PostgreSQL as.");
    }

    /// <summary>The command line that runs <paramref name="program"/> as this user.</summary>
    public IReadOnlyList<string> Wrap(string program) =>
        ["setpriv", $"--reuid={Uid}", $"--regid={Gid}", "--clear-groups", "--", program];

    public void Own(string path)
    {
        using var chown = Process.Start("chown", ["-R", $"{Uid}:{Gid}", path]);
        chown.WaitForExit();
        if (chown.ExitCode != 0)
        {
            throw new InfrastructureException($"Could not give {path} to user {Name} (chown exited {chown.ExitCode}).");
        }
    }
}
