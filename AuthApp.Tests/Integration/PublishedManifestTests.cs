using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AuthApp.Tests.Integration;

/// <summary>
/// Publishes the manifest in-process, as <c>dotnet run --project AuthApp.AppHost -- --publisher manifest</c> (what
/// azd runs) does, from an AppHost in the Development environment with every secret known to it, and reads what a
/// deployment would get. Publish mode starts nothing, so no container engine is needed.
/// </summary>
public sealed partial class PublishedManifestTests
{
    private const string PostgresPassword = "test-postgres-password-7c1f0e";
    private const string CachePassword = "test-cache-password-5d2b9a";
    private const string ManagedDatabase = "Host=db.example.net;Database=authdb;Username=authapp;Password=managed-db-secret-3e8a";
    private const string ManagedCache = "cache.example.net:6380,password=managed-cache-secret-91c4,ssl=True";
    private const string DjangoDatabase = "Host=old.example.net;Database=django;Username=django;Password=django-db-secret-6b0d";
    private const string DjangoPepper = "django-pepper-secret-2f7e";

    private static readonly string[] SecretValues = [TestSecrets.SigningKey, TestSecrets.SuperuserPassword, PostgresPassword, CachePassword,
        ManagedDatabase, ManagedCache, "managed-db-secret-3e8a", "managed-cache-secret-91c4", DjangoDatabase, "django-db-secret-6b0d", DjangoPepper];

    [Theory]
    [InlineData("containers")]
    [InlineData("connection-strings")]
    public async Task The_manifest_runs_every_service_as_production_and_carries_secrets_only_as_parameters(string databases)
    {
        var (text, resources) = await PublishAsync($"AuthApp:Publish:Databases={databases}");

        Assert.DoesNotContain("Development", text, StringComparison.OrdinalIgnoreCase);
        foreach (var secret in SecretValues)
        {
            Assert.DoesNotContain(secret, text);
        }

        foreach (var name in new[] { "migrations", "api" })
        {
            var project = resources.GetProperty(name);
            Assert.StartsWith("project.", project.GetProperty("type").GetString());
            var env = project.GetProperty("env");
            // No environment name at all: .NET then runs the service as Production.
            Assert.False(env.TryGetProperty("ASPNETCORE_ENVIRONMENT", out _), $"{name} sets ASPNETCORE_ENVIRONMENT");
            Assert.False(env.TryGetProperty("DOTNET_ENVIRONMENT", out _), $"{name} sets DOTNET_ENVIRONMENT");
            Assert.Equal("{authdb.connectionString}", env.GetProperty("ConnectionStrings__authdb").GetString());
        }

        var api = resources.GetProperty("api");
        Assert.Equal("{cache.connectionString}", api.GetProperty("env").GetProperty("ConnectionStrings__cache").GetString());
        Assert.Equal("{jwt-signing-key.value}", api.GetProperty("env").GetProperty("Jwt__SigningKey").GetString());
        // ES256 unless the deployer chooses HS256; the issuer is the API's own published address.
        Assert.Equal("ES256", api.GetProperty("env").GetProperty("Jwt__SigningAlgorithm").GetString());
        Assert.Equal("{api.bindings.http.url}", api.GetProperty("env").GetProperty("Jwt__Issuer").GetString());
        Assert.True(api.GetProperty("bindings").GetProperty("http").GetProperty("external").GetBoolean());
        // The staff console: a project of its own, reachable from outside, finding the API by service discovery.
        var console = resources.GetProperty("admin");
        Assert.StartsWith("project.", console.GetProperty("type").GetString());
        Assert.True(console.GetProperty("bindings").GetProperty("http").GetProperty("external").GetBoolean());
        var consoleEnv = console.GetProperty("env");
        Assert.False(consoleEnv.TryGetProperty("ASPNETCORE_ENVIRONMENT", out _), "admin sets ASPNETCORE_ENVIRONMENT");
        Assert.Contains(consoleEnv.EnumerateObject(), e => e.Name.StartsWith("services__api__") && e.Value.GetString()!.Contains("{api.bindings."));
        Assert.False(consoleEnv.TryGetProperty("ConnectionStrings__authdb", out _), "the console reaches the data only through the API");
        var migrations = resources.GetProperty("migrations");
        Assert.Equal("admin@example.com", migrations.GetProperty("env").GetProperty("Superuser__Email").GetString());
        Assert.Equal("{superuser-password.value}", migrations.GetProperty("env").GetProperty("Superuser__Password").GetString());

        // Every secret parameter is asked for (or generated) at deployment; none has a value in the manifest.
        var secretParameters = resources.EnumerateObject()
            .Where(r => r.Value.GetProperty("type").GetString() == "parameter.v0"
                && r.Value.GetProperty("inputs").GetProperty("value").TryGetProperty("secret", out var secret) && secret.GetBoolean())
            .ToDictionary(r => r.Name, r => r.Value);
        foreach (var (name, parameter) in secretParameters)
        {
            Assert.Equal($"{{{name}.inputs.value}}", parameter.GetProperty("value").GetString());
            var input = parameter.GetProperty("inputs").GetProperty("value");
            Assert.False(input.TryGetProperty("default", out var fallback) && fallback.TryGetProperty("value", out _), $"{name} has a default value");
        }
        Assert.Contains("jwt-signing-key", secretParameters.Keys);
        Assert.Contains("superuser-password", secretParameters.Keys);
        Assert.Contains("django-db", secretParameters.Keys);
        Assert.Contains("django-password-pepper", secretParameters.Keys);

        if (databases == "containers")
        {
            AssertContainer(resources, "postgres", "postgres");
            AssertContainer(resources, "cache", "redis");
            Assert.Equal("value.v0", resources.GetProperty("authdb").GetProperty("type").GetString());
            Assert.Contains("postgres-password", secretParameters.Keys);
            Assert.Contains("cache-password", secretParameters.Keys);
        }
        else
        {
            // Managed servers: azd asks for both connection strings; nothing of a server is deployed.
            foreach (var name in new[] { "authdb", "cache" })
            {
                Assert.Contains(name, secretParameters.Keys);
                Assert.Equal($"{{{name}.value}}", resources.GetProperty(name).GetProperty("connectionString").GetString());
            }
            Assert.DoesNotContain(resources.EnumerateObject(), r => r.Value.GetProperty("type").GetString()!.StartsWith("container."));
            Assert.False(resources.TryGetProperty("postgres", out _));
        }

        Assert.Empty(ManifestProblems(resources));
    }

    [Fact]
    public void Azure_yaml_lets_azd_deploy_the_apphost_without_questions()
    {
        var root = RepositoryRoot();
        var settings = File.ReadAllLines(Path.Combine(root, "azure.yaml"))
            .Select(line => line.Split('#')[0].Trim())
            .Where(line => line.Contains(": "))
            .ToDictionary(line => line[..line.IndexOf(':')], line => line[(line.IndexOf(':') + 1)..].Trim());
        Assert.Equal("dotnet", settings["language"]);
        Assert.Equal("containerapp", settings["host"]);
        Assert.Equal("./AuthApp.AppHost/AuthApp.AppHost.csproj", settings["project"]);
        Assert.True(File.Exists(Path.Combine(root, settings["project"])));
    }

    [Fact]
    public void The_manifest_check_refuses_what_azd_could_not_deploy()
    {
        var broken = JsonDocument.Parse("""
            {"resources": {
              "api": {"type": "project.v0", "env": {"ConnectionStrings__authdb": "{authdb.connectionString}"},
                      "bindings": {"http": {"scheme": "http"}}},
              "cache": {"type": "container.v0"},
              "key": {"type": "parameter"}
            }}
            """).RootElement.GetProperty("resources");

        var problems = ManifestProblems(broken);

        Assert.Contains("api: no path to its project", problems);
        Assert.Contains("api: {authdb.connectionString} names no resource", problems);
        Assert.Contains("api: binding http lacks protocol or transport", problems);
        Assert.Contains("cache: a container without an image", problems);
        Assert.Contains("key: type 'parameter' is not a versioned Aspire type", problems);
    }

    /// <summary>
    /// What azd needs of a manifest, checked by hand (the repository carries no copy of Aspire's schema): versioned types;
    /// projects with a path that exists; containers with an image; parameters with a value and inputs; bindings with scheme,
    /// protocol and transport; every {resource.…} expression naming a resource of the manifest.
    /// </summary>
    private static List<string> ManifestProblems(JsonElement resources)
    {
        var names = resources.EnumerateObject().Select(r => r.Name).ToHashSet();
        var problems = new List<string>();
        foreach (var resource in resources.EnumerateObject())
        {
            problems.AddRange(ResourceProblems(resource.Name, resource.Value, names).Select(p => $"{resource.Name}: {p}"));
        }
        return problems;
    }

    private static IEnumerable<string> ResourceProblems(string name, JsonElement resource, HashSet<string> names)
    {
        var type = resource.TryGetProperty("type", out var t) ? t.GetString() ?? "" : "";
        // annotated.string (a value with a filter, such as a URI-encoded password) is the one type Aspire writes unversioned.
        if (!VersionedType().IsMatch(type) && type != "annotated.string")
        {
            yield return $"type '{type}' is not a versioned Aspire type";
        }
        // The path is relative to wherever the manifest was written; the project it names must be one of ours.
        if (type.StartsWith("project.") && !(resource.TryGetProperty("path", out var path) && path.GetString() is { } project
            && File.Exists(Path.Combine(RepositoryRoot(), Path.GetFileNameWithoutExtension(project), Path.GetFileName(project)))))
        {
            yield return "no path to its project";
        }
        if (type.StartsWith("container.") && !resource.TryGetProperty("image", out _) && !resource.TryGetProperty("build", out _))
        {
            yield return "a container without an image";
        }
        if (type.StartsWith("parameter.") && !(resource.TryGetProperty("value", out _) && resource.TryGetProperty("inputs", out _)))
        {
            yield return "a parameter without a value and its inputs";
        }
        foreach (var binding in resource.TryGetProperty("bindings", out var bindings) ? bindings.EnumerateObject() : [])
        {
            if (!binding.Value.TryGetProperty("protocol", out _) || !binding.Value.TryGetProperty("transport", out _))
            {
                yield return $"binding {binding.Name} lacks protocol or transport";
            }
        }
        foreach (Match expression in Expression().Matches(resource.GetRawText()))
        {
            if (!names.Contains(expression.Groups["resource"].Value))
            {
                yield return $"{expression.Value} names no resource";
            }
        }
    }

    [GeneratedRegex(@"^[a-z]+(\.[a-z]+)*\.v\d+$")]
    private static partial Regex VersionedType();

    [GeneratedRegex(@"\{(?<resource>[a-zA-Z0-9-]+)\.[a-zA-Z0-9.-]+\}")]
    private static partial Regex Expression();

    private static void AssertContainer(JsonElement resources, string name, string image)
    {
        var container = resources.GetProperty(name);
        Assert.StartsWith("container.", container.GetProperty("type").GetString());
        Assert.Contains(image, container.GetProperty("image").GetString());
        // Reached by the services only, never from outside.
        foreach (var binding in container.GetProperty("bindings").EnumerateObject())
        {
            Assert.False(binding.Value.TryGetProperty("external", out var external) && external.GetBoolean(), $"{name}'s {binding.Name} binding is external");
        }
    }

    private static async Task<(string Text, JsonElement Resources)> PublishAsync(params string[] settings)
    {
        var outputPath = Directory.CreateTempSubdirectory("authapp-manifest-").FullName;
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AuthApp_AppHost>(
                [
                    "--publisher", "manifest", "--output-path", outputPath,
                    // Every secret the AppHost could know, so that the test sees none of them leak.
                    $"Parameters:jwt-signing-key={TestSecrets.SigningKey}",
                    $"Parameters:superuser-password={TestSecrets.SuperuserPassword}",
                    $"Parameters:postgres-password={PostgresPassword}",
                    $"Parameters:cache-password={CachePassword}",
                    $"ConnectionStrings:authdb={ManagedDatabase}",
                    $"ConnectionStrings:cache={ManagedCache}",
                    $"Parameters:django-db={DjangoDatabase}",
                    $"Parameters:django-password-pepper={DjangoPepper}",
                    "AuthApp:Superuser:Email=admin@example.com",
                    .. settings,
                ],
                // What the AppHost's launch profile gives it under dotnet run (and so under azd).
                (_, host) => host.EnvironmentName = "Development",
                cts.Token);
            Assert.Equal("Development", builder.Environment.EnvironmentName);
            builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));

            await using var app = await builder.BuildAsync(cts.Token);
            await app.RunAsync(cts.Token); // publishes, then stops

            var text = await File.ReadAllTextAsync(Path.Combine(outputPath, "aspire-manifest.json"), cts.Token);
            return (text, JsonDocument.Parse(text).RootElement.GetProperty("resources").Clone());
        }
        finally
        {
            Directory.Delete(outputPath, recursive: true);
        }
    }

    /// <summary>The clone's root (the folder with AuthApp.sln).</summary>
    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AuthApp.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No AuthApp.sln above {AppContext.BaseDirectory}.");
    }
}
