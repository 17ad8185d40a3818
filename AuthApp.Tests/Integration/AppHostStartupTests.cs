using System.Diagnostics;

namespace AuthApp.Tests.Integration;

/// <summary>The real AppHost program, started as a user starts it, with a setting it cannot use.</summary>
public sealed class AppHostStartupTests
{
    [Theory]
    [InlineData("AuthApp:Api:Replicas=0", "AuthApp:Api:Replicas")]
    [InlineData("AuthApp:Api:Replicas=several", "AuthApp:Api:Replicas")]
    [InlineData("AuthApp:Publish:Databases=managed", "AuthApp:Publish:Databases")]
    public async Task A_bad_setting_stops_the_apphost_at_start_with_one_line_saying_what_to_set(string argument, string setting)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "AuthApp.AppHost.dll"), argument },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var appHost = Process.Start(start)!;
        var stderr = appHost.StandardError.ReadToEndAsync();
        var stdout = appHost.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            await appHost.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            appHost.Kill(entireProcessTree: true);
            Assert.Fail($"The AppHost did not stop with {argument}.");
        }

        Assert.Equal(1, appHost.ExitCode);
        var line = Assert.Single((await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("AuthApp.AppHost: ", line);
        Assert.Contains(setting, line);
        Assert.DoesNotContain("AuthApp infrastructure:", await stdout); // stopped before choosing, let alone starting, any server
    }
}
