namespace AuthApp.Api.Tokens;

public static class EndpointConventions
{
    /// <summary>Requires a valid access token and documents the 401 problem that answers its absence.</summary>
    public static TBuilder RequireAccessToken<TBuilder>(this TBuilder builder, string? policy = null) where TBuilder : IEndpointConventionBuilder
    {
        if (policy is null)
        {
            builder.RequireAuthorization();
        }
        else
        {
            builder.RequireAuthorization(policy);
        }
        return builder.WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status401Unauthorized, typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), ["application/problem+json"]));
    }
}
