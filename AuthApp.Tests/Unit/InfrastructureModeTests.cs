using AuthApp.AppHost.Infrastructure;

namespace AuthApp.Tests.Unit;

public sealed class InfrastructureModeTests
{
    private static readonly LocalServerPrograms Programs = new("/usr/lib/postgresql/15/bin", "/usr/bin/redis-server");

    private static InfrastructureChoice Resolve(string? setting, bool docker = false, bool local = true, bool publish = false,
        Dictionary<string, string>? connectionStrings = null) =>
        InfrastructureModeResolver.Resolve(setting, publish, () => docker, () => local ? Programs : null,
            name => connectionStrings?.GetValueOrDefault(name));

    [Fact]
    public void Auto_prefers_containers_when_a_runtime_answers() =>
        Assert.Equal(InfrastructureMode.Containers, Resolve("auto", docker: true).Mode);

    [Fact]
    public void Auto_falls_back_to_local_programs_and_says_why()
    {
        var choice = Resolve(null, docker: false, local: true);
        Assert.Equal(InfrastructureMode.Local, choice.Mode);
        Assert.Same(Programs, choice.LocalPrograms);
        Assert.Contains("no container runtime", choice.Reason);
    }

    [Fact]
    public void Auto_with_nothing_available_names_all_three_ways_out()
    {
        var error = Assert.Throws<InfrastructureException>(() => Resolve("auto", docker: false, local: false));
        Assert.Contains("containers", error.Message);
        Assert.Contains("local", error.Message);
        Assert.Contains("external", error.Message);
    }

    [Fact]
    public void Publish_mode_always_uses_containers() =>
        Assert.Equal(InfrastructureMode.Containers, Resolve("local", publish: true).Mode);

    [Theory]
    [InlineData("containers", InfrastructureMode.Containers)]
    [InlineData("LOCAL", InfrastructureMode.Local)]
    [InlineData(" auto ", InfrastructureMode.Auto)]
    [InlineData("", InfrastructureMode.Auto)]
    public void Settings_parse_without_regard_to_case_or_spaces(string value, InfrastructureMode expected) =>
        Assert.Equal(expected, InfrastructureModeResolver.Parse(value));

    [Fact]
    public void An_unknown_mode_is_one_clear_message()
    {
        var error = Assert.Throws<InfrastructureException>(() => Resolve("kubernetes"));
        Assert.Contains("'kubernetes'", error.Message);
        Assert.Contains("auto, containers, local, external", error.Message);
    }

    [Fact]
    public void Local_mode_without_server_programs_says_how_to_install_them()
    {
        var error = Assert.Throws<InfrastructureException>(() => Resolve("local", local: false));
        Assert.Contains("apt-get install postgresql redis-server", error.Message);
    }

    [Fact]
    public void External_mode_requires_both_connection_strings()
    {
        var error = Assert.Throws<InfrastructureException>(() =>
            Resolve("external", connectionStrings: new() { ["authdb"] = "Host=db" }));
        Assert.Contains("ConnectionStrings:cache", error.Message);
        Assert.DoesNotContain("ConnectionStrings:authdb", error.Message);
    }

    [Fact]
    public void External_mode_with_both_connection_strings_is_chosen() =>
        Assert.Equal(InfrastructureMode.External,
            Resolve("external", connectionStrings: new() { ["authdb"] = "Host=db", ["cache"] = "redis:6379" }).Mode);
}
