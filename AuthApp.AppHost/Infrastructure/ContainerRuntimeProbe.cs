using System.Diagnostics;

namespace AuthApp.AppHost.Infrastructure;

/// <summary>
/// Asks Docker or Podman whether an engine answers. The client alone is not enough: on a machine
/// with the docker CLI but no engine, Aspire would wait for containers that never start.
/// </summary>
public static class ContainerRuntimeProbe
{
    public static bool Answers(TimeSpan timeout)
    {
        var configured = Environment.GetEnvironmentVariable("ASPIRE_CONTAINER_RUNTIME")
                         ?? Environment.GetEnvironmentVariable("DOTNET_ASPIRE_CONTAINER_RUNTIME");
        var candidates = configured is not null ? [configured] : new[] { "docker", "podman" };
        return candidates.Any(runtime => RunsSuccessfully(runtime, ["info", "--format", "{{.ServerVersion}}"], timeout));
    }

    private static bool RunsSuccessfully(string program, string[] args, TimeSpan timeout)
    {
        try
        {
            var info = new ProcessStartInfo(program)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in args)
            {
                info.ArgumentList.Add(arg);
            }

            using var process = Process.Start(info);
            if (process is null)
            {
                return false;
            }
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // not installed
        }
    }
}
