using AuthApp.AppHost;
using AuthApp.AppHost.Infrastructure;

namespace AuthApp.Tests.Unit;

public sealed class AppHostSettingsTests
{
    private static readonly LocalServerPrograms Programs = new("/usr/lib/postgresql/15/bin", "/usr/bin/redis-server");

    private static InfrastructureChoice ResolvePublish(PublishedDatabases databases) =>
        InfrastructureModeResolver.Resolve("local", isPublishMode: true, () => false, () => Programs, _ => null, databases);

    [Theory]
    [InlineData(null, 1)]
    [InlineData("", 1)]
    [InlineData("1", 1)]
    [InlineData(" 3 ", 3)]
    public void Replicas_default_to_one_and_take_a_positive_whole_number(string? value, int expected) =>
        Assert.Equal(expected, ApiReplicas.Parse(value));

    [Theory]
    [InlineData("0")]
    [InlineData("-2")]
    [InlineData("+2")]
    [InlineData("two")]
    [InlineData("1.5")]
    [InlineData("99999999999")]
    public void A_replica_count_that_is_not_a_positive_number_is_one_line_saying_what_to_set(string value)
    {
        var error = Assert.Throws<InfrastructureException>(() => ApiReplicas.Parse(value));
        Assert.Contains($"'{value}'", error.Message);
        Assert.Contains("Set AuthApp:Api:Replicas=2", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData(null, PublishedDatabases.Containers)]
    [InlineData("", PublishedDatabases.Containers)]
    [InlineData("Containers", PublishedDatabases.Containers)]
    [InlineData(" connection-strings ", PublishedDatabases.ConnectionStrings)]
    public void Published_databases_default_to_containers(string? value, PublishedDatabases expected) =>
        Assert.Equal(expected, PublishedDatabasesSetting.Parse(value));

    [Theory]
    [InlineData("managed")]
    [InlineData("connection_strings")]
    [InlineData("external")]
    public void An_unknown_published_databases_value_is_one_line_naming_both_choices(string value)
    {
        var error = Assert.Throws<InfrastructureException>(() => PublishedDatabasesSetting.Parse(value));
        Assert.Contains($"'{value}'", error.Message);
        Assert.Contains("Set AuthApp:Publish:Databases to containers (the default) or connection-strings", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Publish_mode_with_containers_models_both_servers_as_containers() =>
        Assert.Equal(InfrastructureMode.Containers, ResolvePublish(PublishedDatabases.Containers).Mode);

    [Fact]
    public void Publish_mode_with_connection_strings_needs_none_configured_here()
    {
        // The deployer asks for them; this machine has none, and that is no error.
        var choice = ResolvePublish(PublishedDatabases.ConnectionStrings);
        Assert.Equal(InfrastructureMode.External, choice.Mode);
        Assert.Contains("connection-strings", choice.Reason);
    }

    [Fact]
    public void Run_mode_ignores_the_publish_setting() =>
        Assert.Equal(InfrastructureMode.Local,
            InfrastructureModeResolver.Resolve("local", isPublishMode: false, () => false, () => Programs, _ => null,
                PublishedDatabases.ConnectionStrings).Mode);
}
