using Xunit.Abstractions;
namespace AuthApp.Tests.Integration;

/// <summary>In the default HS256 mode there is no public key to publish and nothing to rotate through the API.</summary>
[Collection(AppHostCollection.Name)]
public sealed class SharedSecretModeTests(AppHostFixture fixture, ITestOutputHelper output) : AppHostTest<AppHostFixture>(fixture, output)
{
    [Fact]
    public async Task The_jwks_is_empty_and_rotation_is_refused_with_a_reason()
    {
        using var jwks = await Fixture.Api.GetAsync("/.well-known/jwks.json");
        Assert.Equal(HttpStatusCode.OK, jwks.StatusCode);
        Assert.Equal(0, (await jwks.ReadJsonAsync()).GetProperty("keys").GetArrayLength());

        var staff = (await Fixture.Api.LoginAsync("root@example.com", TestSecrets.SuperuserPassword)).Access;
        using var rotate = await Fixture.Api.PostJsonAsync("/api/v1/admin/keys/rotate", new { }, staff);
        await rotate.AssertProblemAsync(HttpStatusCode.Conflict, "key_rotation_unavailable");
    }
}
