using System.Text.Json;
using System.Text.Json.Serialization;

namespace AuthApp.Api.Common;

/// <summary>What every route shares on the wire: snake_case JSON, bounded bodies, problem details for every error, OpenAPI, CORS.</summary>
public static class HttpContract
{
    public static WebApplicationBuilder AddHttpContract(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 64 * 1024;
        });
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            json.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            json.SerializerOptions.MaxDepth = 16;
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default);
        });
        // Bad bodies throw, so that ApiExceptionHandler answers them with a problem (not an empty 400).
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.AddApiProblemDetails();
        builder.Services.AddApiDocument();
        builder.Services.AddApiCors();
        return builder;
    }
}
