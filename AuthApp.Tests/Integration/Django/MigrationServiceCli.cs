using System.Diagnostics;
using System.Text;

namespace AuthApp.Tests.Integration.Django;

/// <summary>The migration worker run as an operator runs it: <c>AuthApp.MigrationService import-django [--dry-run]</c>, from its build output.</summary>
public static class MigrationServiceCli
{
    public sealed record Result(int ExitCode, string Output);

    private static readonly string Assembly = Path.Combine(
        Path.GetDirectoryName(new Projects.AuthApp_MigrationService().ProjectPath)!, "bin",
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug",
        "net10.0", "AuthApp.MigrationService.dll");

    public static ProcessStartInfo StartInfo(string target, string? source, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Assembly);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        info.Environment["ConnectionStrings__authdb"] = target;
        if (source is not null)
        {
            info.Environment["Import__Django__ConnectionString"] = source;
        }
        info.Environment["DOTNET_ENVIRONMENT"] = "Development";
        info.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        return info;
    }

    public static async Task<Result> RunAsync(ProcessStartInfo info, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(3));
        using var process = Process.Start(info)!;
        var output = new StringBuilder();
        var stdout = PumpAsync(process.StandardOutput, output);
        var stderr = PumpAsync(process.StandardError, output);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        await Task.WhenAll(stdout, stderr);
        return new Result(process.ExitCode, output.ToString());
    }

    public static Task<Result> RunAsync(string target, string? source, params string[] arguments) =>
        RunAsync(StartInfo(target, source, arguments));

    public static async Task PumpAsync(StreamReader reader, StringBuilder into, Action<string>? onLine = null)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (into)
            {
                into.AppendLine(line);
            }
            onLine?.Invoke(line);
        }
    }
}
