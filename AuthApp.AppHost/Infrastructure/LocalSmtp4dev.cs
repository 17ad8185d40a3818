using System.Runtime.InteropServices;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;

namespace AuthApp.AppHost.Infrastructure;

/// <summary>smtp4dev run from the .NET tool that the repository's tool manifest pins (local mode).</summary>
public sealed class LocalSmtp4devResource(string name, string command, string workingDirectory)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public EndpointReference Smtp => field ??= new(this, MailServerExtensions.SmtpEndpointName);
    public EndpointReference Http => field ??= new(this, MailServerExtensions.HttpEndpointName);

    public ReferenceExpression ConnectionStringExpression => MailServerExtensions.SmtpConnectionString(Smtp);
}

/// <summary>The smtp4dev program that <c>dotnet tool restore</c> put in the NuGet package folder.</summary>
public sealed record Smtp4devProgram(string Command, IReadOnlyList<string> LeadingArgs);

public static class LocalSmtp4dev
{
    public const string ToolPackage = "rnwood.smtp4dev";
    private const string ProgramName = "Rnwood.Smtp4dev";

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public static IResourceBuilder<LocalSmtp4devResource> AddLocalSmtp4dev(this IDistributedApplicationBuilder builder, string name, string dataRoot)
    {
        var program = Find(builder.AppHostDirectory,
            PackagesRoot(Environment.GetEnvironmentVariable("NUGET_PACKAGES"), Environment.GetFolderPath(Environment.SpecialFolder.UserProfile)),
            RuntimeInformation.RuntimeIdentifier);
        var dataDirectory = Path.Combine(dataRoot, "smtp4dev");
        Directory.CreateDirectory(dataDirectory);
        var smtp4dev = new LocalSmtp4devResource(name, program.Command, dataDirectory);

        return builder.AddResource(smtp4dev)
            .WithHttpEndpoint(name: MailServerExtensions.HttpEndpointName)
            .WithEndpoint(name: MailServerExtensions.SmtpEndpointName, scheme: "tcp")
            .WithArgs(context =>
            {
                foreach (var arg in program.LeadingArgs)
                {
                    context.Args.Add(arg);
                }
                context.Args.Add(ReferenceExpression.Create($"--urls=http://127.0.0.1:{smtp4dev.Http.Property(EndpointProperty.TargetPort)}"));
                context.Args.Add(ReferenceExpression.Create($"--smtpport={smtp4dev.Smtp.Property(EndpointProperty.TargetPort)}"));
                // Loopback only, no IMAP or POP3, messages in memory, nothing read from the user's own smtp4dev settings.
                context.Args.Add("--bindaddress=127.0.0.1");
                context.Args.Add("--hostname=localhost");
                context.Args.Add("--imapport=");
                context.Args.Add("--pop3port=");
                context.Args.Add("--db=");
                context.Args.Add("--messagestokeep=1000");
                context.Args.Add("--nousersettings");
                context.Args.Add($"--baseappdatapath={dataDirectory}");
            })
            // A development inbox needs no server garbage collector's heaps on a small machine.
            .WithEnvironment("DOTNET_gcServer", "0")
            .WithIconName("Mail")
            .WithUrlForEndpoint(MailServerExtensions.HttpEndpointName, url => url.DisplayText = "Inbox (smtp4dev)")
            .WithHttpHealthCheck("/", endpointName: MailServerExtensions.HttpEndpointName)
            .ExcludeFromManifest();
    }

    /// <summary>
    /// The version the repository's dotnet-tools.json pins, in the NuGet package folder: the build for this
    /// platform (a native program), else the portable build (run by <c>dotnet</c>).
    /// </summary>
    public static Smtp4devProgram Find(string appHostDirectory, string packagesRoot, string runtimeIdentifier)
    {
        var manifest = FindManifest(appHostDirectory);
        var version = manifest is null ? null : PinnedVersion(File.ReadAllText(manifest));
        if (version is null)
        {
            throw new InfrastructureException(
                $"Local mode runs smtp4dev from the repository's tool manifest (dotnet-tools.json, tool {ToolPackage}), which was not found above {appHostDirectory}. " +
                "Set ConnectionStrings:mail to use another SMTP server.");
        }
        if (FindInTools(Path.Combine(packagesRoot, $"{ToolPackage}.{runtimeIdentifier}", version), Path.Combine(runtimeIdentifier, ProgramName)) is { } native)
        {
            return new(native, []);
        }
        if (FindInTools(Path.Combine(packagesRoot, $"{ToolPackage}.any", version), Path.Combine("any", $"{ProgramName}.dll")) is { } portable)
        {
            return new("dotnet", [portable]);
        }
        throw new InfrastructureException(
            $"smtp4dev {version} (the mail server of local mode) is not installed in {packagesRoot}: run 'dotnet tool restore' in the repository " +
            "(./run.sh and ./test.sh do), or set ConnectionStrings:mail to use another SMTP server.");
    }

    /// <summary>NuGet's package folder: NUGET_PACKAGES, else ~/.nuget/packages.</summary>
    public static string PackagesRoot(string? nugetPackagesVariable, string home) =>
        string.IsNullOrWhiteSpace(nugetPackagesVariable) ? Path.Combine(home, ".nuget", "packages") : nugetPackagesVariable;

    private static string? FindInTools(string packageDirectory, string relativePath)
    {
        var tools = Path.Combine(packageDirectory, "tools");
        return Directory.Exists(tools)
            ? Directory.EnumerateDirectories(tools).OrderDescending().Select(framework => Path.Combine(framework, relativePath)).FirstOrDefault(File.Exists)
            : null;
    }

    /// <summary>The nearest dotnet-tools.json (or .config/dotnet-tools.json) at or above <paramref name="directory"/>.</summary>
    public static string? FindManifest(string directory)
    {
        for (var current = directory; !string.IsNullOrEmpty(current); current = Path.GetDirectoryName(current))
        {
            foreach (var candidate in new[] { Path.Combine(current, "dotnet-tools.json"), Path.Combine(current, ".config", "dotnet-tools.json") })
            {
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }
        return null;
    }

    public static string? PinnedVersion(string manifestJson)
    {
        using var manifest = JsonDocument.Parse(manifestJson);
        return manifest.RootElement.TryGetProperty("tools", out var tools) &&
               tools.EnumerateObject().FirstOrDefault(t => string.Equals(t.Name, ToolPackage, StringComparison.OrdinalIgnoreCase)) is { Value.ValueKind: JsonValueKind.Object } tool &&
               tool.Value.TryGetProperty("version", out var version)
            ? version.GetString()
            : null;
    }
}
