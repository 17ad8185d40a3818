using Xunit.Abstractions;

namespace AuthApp.Tests.InProcess;

/// <summary>401 and 403 answer with their status whatever the client accepts (never 500): problem JSON when it can take JSON, else the plain status page.</summary>
[Collection(InProcessCollection.Name)]
public sealed class AcceptHeaderTests(ServersFixture servers, ITestOutputHelper output) : InProcessTest(servers, output)
{
    [Theory]
    [InlineData("application/xml")]
    [InlineData("text/html")]
    [InlineData("text/plain")]
    [InlineData("image/png")]
    public async Task A_missing_token_is_401_without_json_when_json_is_not_acceptable(string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/user/me");
        request.Headers.TryAddWithoutValidation("Accept", accept);
        using var response = await Api.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.NotEqual("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Theory]
    [InlineData("text/html")]
    [InlineData("image/png")]
    public async Task A_non_staff_token_on_a_staff_route_is_403_whatever_is_accepted(string accept)
    {
        var user = await Api.RegisterAndLoginAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/admin/users");
        request.Headers.TryAddWithoutValidation("Accept", accept);
        request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {user.AccessToken}");
        using var response = await Api.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("*/*")]
    [InlineData("text/html, application/problem+json;q=0.5")]
    public async Task A_client_that_takes_json_gets_the_problem(string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/user/me");
        request.Headers.TryAddWithoutValidation("Accept", accept);
        using var response = await Api.SendAsync(request);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "not_authenticated");
    }
}
