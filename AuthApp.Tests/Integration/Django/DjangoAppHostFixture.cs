using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using AuthApp.AppHost.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AuthApp.Tests.Integration.Django;

/// <summary>
/// The app as a move from Django runs it: the original's users table (the dump in Fixtures/Django) loaded into a
/// scratch database <c>djangosrc</c> on the app's own PostgreSQL before the migration worker starts, the secret
/// parameters <c>django-db</c> and <c>django-password-pepper</c> set, so the worker imports after migrating.
/// </summary>
public sealed class DjangoAppHostFixture : AppHostFixture
{
    public const string SourceDatabase = "djangosrc";

    // The real address of djangosrc is known only once the server runs; the fixture points the worker at it below.
    protected override string[] ExtraArguments =>
    [
        "Parameters:django-db=Host=set-by-the-fixture",
        $"Parameters:django-password-pepper={DjangoData.Users.Pepper}",
    ];

    protected override void ConfigureApp(IDistributedApplicationTestingBuilder builder)
    {
        var server = builder.Resources.OfType<LocalPostgresServerResource>().Single();
        var migrations = builder.CreateResourceBuilder<ProjectResource>("migrations")
            .WithEnvironment("Import__Django__ConnectionString", ReferenceExpression.Create($"{server};Database={SourceDatabase}"));

        // The source must exist before the worker's first run; the server is healthy by then (the worker waits for its database).
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(migrations.Resource, async (@event, ct) =>
        {
            await @event.Services.GetRequiredService<ResourceNotificationService>().WaitForResourceHealthyAsync(server.Name, ct);
            if (!SourceLoaded)
            {
                await DjangoData.CreateDatabaseAsync((await server.ConnectionStringExpression.GetValueAsync(ct))!, SourceDatabase, DjangoData.DumpSql(), ct);
                SourceLoaded = true;
            }
        });
    }

    private bool SourceLoaded { get; set; }

    /// <summary>The PostgreSQL server's connection string (no database), for scratch databases of a test's own.</summary>
    public async Task<string> ServerConnectionStringAsync() => (await GetConnectionStringAsync("postgres"))!;

    public async Task<string> DatabaseConnectionStringAsync(string database) =>
        new Npgsql.NpgsqlConnectionStringBuilder(await ServerConnectionStringAsync()) { Database = database, Pooling = false }.ConnectionString;
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DjangoAppHostCollection : ICollectionFixture<DjangoAppHostFixture>
{
    public const string Name = "AppHost Django";
}
