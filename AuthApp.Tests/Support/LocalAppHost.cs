using Aspire.Hosting;

namespace AuthApp.Tests.Support;

/// <summary>What every test AppHost in <c>local</c> mode shares: a throw-away data folder, and stopping cleanly.</summary>
public static class LocalAppHost
{
    public static string NewDataDirectory(string purpose) => Path.Combine(Path.GetTempPath(), $"authapp-{purpose}-{Guid.NewGuid():N}");

    public static async Task StopAsync(DistributedApplication? app, string dataDirectory)
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        try
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A server still flushing may hold a file for a moment; the folder is under the temp directory.
        }
    }
}
